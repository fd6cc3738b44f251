package jsonl

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// MaxDepth is the deepest nesting of arrays and objects Parse accepts; deeper
// lines are a SyntaxError (the same limit as encoding/json), never a stack overflow.
const MaxDepth = 10000

// Parse parses one line strictly: RFC 8259 JSON, one value, optional
// surrounding whitespace, valid UTF-8 throughout. The result is nil when err
// is non-nil. When the line is not valid UTF-8 the error is always the UTF-8
// one (UTF8 set, Offset at the first byte of the first invalid sequence), even
// if a JSON syntax error comes earlier; otherwise Offset is the first byte
// that makes the line invalid (len(line) when it ends too early), except that
// an invalid escape points at its backslash and NaN or Infinity at its first
// byte.
//
// Parse allocates a fresh tree; a worker parsing many lines should reuse a Parser.
func Parse(line []byte) (*Value, *SyntaxError) {
	p := Parser{oneShot: true}
	return p.Parse(line)
}

// Parser parses lines one after another, reusing its memory. The zero value
// is ready to use. A Parser is not safe for concurrent use: give each worker
// its own, and do not copy one that has been used (copies share memory).
type Parser struct {
	// AliasLine makes numbers and strings without escapes point into the
	// line given to Parse instead of into a private copy of it: no copy and
	// no allocation per line. Set it only when the line's bytes are never
	// modified afterwards, as with the lines of Reader.NextBatch (Next's
	// too); the garbage collector keeps the line alive while such a string is.
	AliasLine bool

	oneShot bool // a single line (package-level Parse): size slabs for it alone

	line  []byte // the line being parsed
	buf   []byte // line or a private copy of it: strings point into it, nobody writes it
	esc   []byte // append-only slab of decoded escaped strings: bytes below len(esc) are never rewritten
	depth int
	err   *SyntaxError

	vals   []Value  // slab the tree's Values come from
	ptrs   []*Value // slab of Elems slices
	mems   []Member // slab of Members slices
	pstack []*Value // scratch: elements of the open arrays
	mstack []Member // scratch: members of the open objects
}

// slabLimit caps how many slab entries a Parser keeps between lines, so one
// huge line does not pin its tree's memory for the rest of the run.
const slabLimit = 1 << 16

// Parse parses line like the package-level Parse. The returned tree (its
// Values, Elems and Members) is valid until the next call of Parse on p; the
// strings in it stay valid after that. line is not retained (unless
// AliasLine is set: then strings may point into it).
func (p *Parser) Parse(line []byte) (*Value, *SyntaxError) {
	p.reset(line)
	v := p.top()
	p.line, p.buf = nil, nil
	if v == nil {
		err := p.err
		p.err = nil
		if off, msg, bad := firstInvalidUTF8(line); bad {
			return nil, &SyntaxError{Offset: off, UTF8: true, Msg: msg}
		}
		return nil, err
	}
	return v, nil
}

// ParseString parses s like Parse without copying it (a Go string never
// changes, so strings without escapes point into s). Like Parse, it reuses
// p's memory: parsing a string found in a tree (tool-call arguments, say)
// with the Parser that made the tree invalidates that tree; use a second
// Parser for such nested parses.
func (p *Parser) ParseString(s string) (*Value, *SyntaxError) {
	alias := p.AliasLine
	p.AliasLine = true
	v, err := p.Parse(unsafe.Slice(unsafe.StringData(s), len(s))) // read only
	p.AliasLine = alias
	return v, err
}

func (p *Parser) reset(line []byte) {
	clear(p.vals)
	clear(p.ptrs)
	clear(p.mems)
	p.vals, p.ptrs, p.mems = trim(p.vals), trim(p.ptrs), trim(p.mems)
	clear(p.pstack[:cap(p.pstack)])
	clear(p.mstack[:cap(p.mstack)])
	p.pstack, p.mstack = trim(p.pstack), trim(p.mstack)
	p.line = line
	p.depth = 0
	p.err = nil
	if cap(p.esc) > 16*escChunk {
		p.esc = nil // do not pin a huge line's strings' memory
	}
	if p.AliasLine {
		p.buf = line
		return
	}
	// A fresh copy per line, never written: strings pointing into it are immutable.
	buf := make([]byte, len(line))
	copy(buf, line)
	p.buf = buf
}

// escChunk is the size of the slabs decoded escaped strings are written to.
const escChunk = 64 << 10

// minSlab is the smallest slab to allocate: n for a Parser that is reused,
// less for a one-line parse of a short line (about one value per 16 bytes).
func (p *Parser) minSlab(n int) int {
	if p.oneShot {
		return min(n, 4+len(p.line)/16)
	}
	return n
}

func trim[T any](s []T) []T {
	if cap(s) > slabLimit {
		return nil
	}
	return s[:0]
}

func (p *Parser) top() *Value {
	line := p.line
	i := skipWS(line, 0)
	if i == len(line) {
		if len(line) == 0 {
			return p.fail(0, "empty line, expected a JSON value")
		}
		return p.fail(i, "line holds only whitespace, expected a JSON value")
	}
	v, j := p.value(i)
	if v == nil {
		return nil
	}
	if j = skipWS(line, j); j < len(line) {
		return p.fail(j, "trailing data after the JSON value: "+charAt(line, j))
	}
	return v
}

func (p *Parser) fail(off int, msg string) *Value {
	if p.err == nil {
		p.err = &SyntaxError{Offset: off, Msg: msg}
	}
	return nil
}

func (p *Parser) newValue(k Kind, off int) *Value {
	if len(p.vals) == cap(p.vals) {
		// Earlier Values stay where they are: the old slab lives on as long as
		// the tree points into it.
		p.vals = make([]Value, 0, max(p.minSlab(64), 2*cap(p.vals)))
	}
	p.vals = p.vals[:len(p.vals)+1]
	v := &p.vals[len(p.vals)-1]
	v.Kind, v.Offset = k, off
	return v
}

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// value parses the value starting at line[i] (not whitespace) and returns it
// with the index just after it, or nil with p.err set.
func (p *Parser) value(i int) (*Value, int) {
	line := p.line
	if i >= len(line) {
		return p.fail(len(line), "unexpected end of line, expected a JSON value"), 0
	}
	switch c := line[i]; c {
	case '"':
		s, lone, j := p.str(i)
		if j < 0 {
			return nil, 0
		}
		v := p.newValue(String, i)
		v.Str, v.LoneSurrogate = s, lone
		return v, j
	case '{':
		return p.object(i)
	case '[':
		return p.array(i)
	case 't':
		return p.literal(i, "true", Bool, true)
	case 'f':
		return p.literal(i, "false", Bool, false)
	case 'n':
		return p.literal(i, "null", Null, false)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		j := p.number(i)
		if j < 0 {
			return nil, 0
		}
		v := p.newValue(Number, i)
		v.Num = p.alias(i, j)
		return v, j
	case 'N':
		if hasPrefix(line[i:], "NaN") {
			return p.fail(i, "NaN is not valid JSON (use null or a string)"), 0
		}
	case 'I':
		if hasPrefix(line[i:], "Infinity") {
			return p.fail(i, "Infinity is not valid JSON (use a number or a string)"), 0
		}
	case '+':
		return p.fail(i, "invalid character '+', expected a JSON value (numbers have no plus sign)"), 0
	case '.':
		return p.fail(i, "invalid character '.', expected a JSON value (numbers start with a digit)"), 0
	case '\'':
		return p.fail(i, "invalid character '\\'', expected a JSON value (strings use double quotes)"), 0
	}
	return p.fail(i, "invalid character "+charAt(line, i)+", expected a JSON value"), 0
}

func hasPrefix(b []byte, s string) bool { return len(b) >= len(s) && string(b[:len(s)]) == s }

func (p *Parser) literal(i int, lit string, k Kind, b bool) (*Value, int) {
	line := p.line
	for n := 1; n < len(lit); n++ {
		j := i + n
		if j >= len(line) {
			return p.fail(j, "unexpected end of line in literal "+lit), 0
		}
		if line[j] != lit[n] {
			return p.fail(j, "invalid character "+charAt(line, j)+" in literal "+lit), 0
		}
	}
	v := p.newValue(k, i)
	v.Bool = b
	return v, i + len(lit)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number scans the number at line[i] and returns the index after it, or -1.
func (p *Parser) number(i int) int {
	line := p.line
	n := len(line)
	j := i
	if line[j] == '-' {
		j++
		if j >= n {
			p.fail(j, "unexpected end of line in number, expected a digit after '-'")
			return -1
		}
		if line[j] == 'I' && hasPrefix(line[j:], "Infinity") {
			p.fail(i, "-Infinity is not valid JSON (use a number or a string)")
			return -1
		}
	}
	switch c := line[j]; {
	case c == '0':
		j++
		if j < n && isDigit(line[j]) {
			p.fail(j, "invalid digit after a leading zero in number (numbers may not have leading zeros)")
			return -1
		}
	case c >= '1' && c <= '9':
		j++
		for j < n && isDigit(line[j]) {
			j++
		}
	default:
		p.fail(j, "invalid character "+charAt(line, j)+" in number, expected a digit")
		return -1
	}
	if j < n && line[j] == '.' {
		j++
		if j >= n || !isDigit(line[j]) {
			p.fail(j, "expected a digit after the decimal point in number")
			return -1
		}
		for j < n && isDigit(line[j]) {
			j++
		}
	}
	if j < n && (line[j] == 'e' || line[j] == 'E') {
		j++
		if j < n && (line[j] == '+' || line[j] == '-') {
			j++
		}
		if j >= n || !isDigit(line[j]) {
			p.fail(j, "expected a digit in the exponent of number")
			return -1
		}
		for j < n && isDigit(line[j]) {
			j++
		}
	}
	return j
}

func (p *Parser) enter(i int) bool {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(i, fmt.Sprintf("nesting deeper than %d levels", MaxDepth))
		return false
	}
	return true
}

func (p *Parser) array(i int) (*Value, int) {
	if !p.enter(i) {
		return nil, 0
	}
	line := p.line
	n := len(line)
	v := p.newValue(Array, i)
	j := skipWS(line, i+1)
	if j < n && line[j] == ']' {
		p.depth--
		return v, j + 1
	}
	mark := len(p.pstack)
	for {
		if j < n && line[j] == ']' {
			return p.fail(j, "unexpected ']' after ',' in array, expected a value (no trailing commas)"), 0
		}
		e, k := p.value(j)
		if e == nil {
			return nil, 0
		}
		p.pstack = append(p.pstack, e)
		j = skipWS(line, k)
		if j >= n {
			return p.fail(n, "unexpected end of line inside array, expected ',' or ']'"), 0
		}
		if line[j] == ',' {
			j = skipWS(line, j+1)
			continue
		}
		if line[j] == ']' {
			break
		}
		return p.fail(j, "invalid character "+charAt(line, j)+" after array element, expected ',' or ']'"), 0
	}
	cnt := len(p.pstack) - mark
	if cap(p.ptrs)-len(p.ptrs) < cnt {
		p.ptrs = make([]*Value, 0, max(cnt, 2*cap(p.ptrs), p.minSlab(256)))
	}
	s := len(p.ptrs)
	p.ptrs = append(p.ptrs, p.pstack[mark:]...)
	p.pstack = p.pstack[:mark]
	v.Elems = p.ptrs[s:len(p.ptrs):len(p.ptrs)]
	p.depth--
	return v, j + 1
}

func (p *Parser) object(i int) (*Value, int) {
	if !p.enter(i) {
		return nil, 0
	}
	line := p.line
	n := len(line)
	v := p.newValue(Object, i)
	j := skipWS(line, i+1)
	if j < n && line[j] == '}' {
		p.depth--
		return v, j + 1
	}
	mark := len(p.mstack)
	for {
		if j >= n {
			return p.fail(n, "unexpected end of line inside object, expected a string key"), 0
		}
		if line[j] != '"' {
			if line[j] == '}' {
				return p.fail(j, "unexpected '}' after ',' in object, expected a string key (no trailing commas)"), 0
			}
			return p.fail(j, "invalid character "+charAt(line, j)+" in object, expected a string key in double quotes"), 0
		}
		key, _, k := p.str(j)
		if k < 0 {
			return nil, 0
		}
		koff := j
		j = skipWS(line, k)
		if j >= n {
			return p.fail(n, "unexpected end of line inside object, expected ':' after the key"), 0
		}
		if line[j] != ':' {
			return p.fail(j, "invalid character "+charAt(line, j)+" after object key, expected ':'"), 0
		}
		j = skipWS(line, j+1)
		e, k := p.value(j)
		if e == nil {
			return nil, 0
		}
		p.mstack = append(p.mstack, Member{Key: key, KeyOffset: koff, Value: e})
		j = skipWS(line, k)
		if j >= n {
			return p.fail(n, "unexpected end of line inside object, expected ',' or '}'"), 0
		}
		if line[j] == ',' {
			j = skipWS(line, j+1)
			continue
		}
		if line[j] == '}' {
			break
		}
		return p.fail(j, "invalid character "+charAt(line, j)+" after object member, expected ',' or '}'"), 0
	}
	cnt := len(p.mstack) - mark
	if cap(p.mems)-len(p.mems) < cnt {
		p.mems = make([]Member, 0, max(cnt, 2*cap(p.mems), p.minSlab(128)))
	}
	s := len(p.mems)
	p.mems = append(p.mems, p.mstack[mark:]...)
	clear(p.mstack[mark:])
	p.mstack = p.mstack[:mark]
	v.Members = p.mems[s:len(p.mems):len(p.mems)]
	p.depth--
	return v, j + 1
}

// alias returns buf[i:j] as a string without copying: buf is this line's
// private copy and is not written there again.
func (p *Parser) alias(i, j int) string {
	if i == j {
		return ""
	}
	return unsafe.String(&p.buf[i], j-i)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainEnd returns the index of the first byte at or after i that needs a
// closer look inside a string: '"', '\\', a control character or a non-ASCII
// byte; len(b) if none.
func plainEnd(b []byte, i int) int {
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (ones * '"')
		s := x ^ (ones * '\\')
		// Each term has the high bit set in a byte that matches (exactly for
		// the lowest matching byte; borrows only cause marks above it).
		m := ((x - ones*0x20) &^ x) | ((q - ones) &^ q) | ((s - ones) &^ s) | x
		m &= highs
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(b) {
		c := b[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return i
		}
		i++
	}
	return i
}

// str parses the string whose opening quote is at line[i]. It returns the
// decoded string, whether it held a lone surrogate escape, and the index after
// the closing quote (-1 on error).
func (p *Parser) str(i int) (string, bool, int) {
	line := p.line
	n := len(line)
	start := i + 1
	j := start
	for {
		j = plainEnd(line, j)
		if j >= n {
			p.fail(n, "unexpected end of line inside string, expected '\"'")
			return "", false, -1
		}
		switch c := line[j]; {
		case c == '"':
			return p.alias(start, j), false, j + 1
		case c == '\\':
			return p.strEscaped(start, j)
		case c < 0x20:
			p.failControl(j, c)
			return "", false, -1
		default:
			k := validRune(line, j)
			if k < 0 {
				p.fail(j, "invalid UTF-8 in string")
				return "", false, -1
			}
			j = k
		}
	}
}

func (p *Parser) failControl(j int, c byte) {
	esc := fmt.Sprintf("\\u%04x", c)
	switch c {
	case '\n':
		esc = "\\n"
	case '\t':
		esc = "\\t"
	case '\r':
		esc = "\\r"
	}
	p.fail(j, fmt.Sprintf("raw control character U+%04X in string (write it as %s)", c, esc))
}

// validRune checks the non-ASCII UTF-8 sequence at b[i] and returns the index
// after it, or -1.
func validRune(b []byte, i int) int {
	for {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return -1
		}
		i += size
		if i >= len(b) || b[i] < 0x80 {
			return i
		}
	}
}

// strEscaped continues str from the first backslash at line[j], decoding
// into the p.esc slab (a decoded string is never longer than its escaped form,
// so the rest of the line bounds it).
func (p *Parser) strEscaped(start, j int) (string, bool, int) {
	line := p.line
	n := len(line)
	if need := n - start + 8; cap(p.esc)-len(p.esc) < need {
		if p.oneShot {
			p.esc = make([]byte, 0, need)
		} else {
			p.esc = make([]byte, 0, max(escChunk, need))
		}
	}
	buf := p.esc[:cap(p.esc)]
	w0 := len(p.esc)
	w := w0 + copy(buf[w0:], line[start:j])
	lone := false
	for {
		// Copy plain bytes a word at a time; a word may spill past the end of
		// the string into the unused part of the slab.
		for j+8 <= n {
			x := binary.LittleEndian.Uint64(line[j:])
			binary.LittleEndian.PutUint64(buf[w:], x)
			q := x ^ (ones * '"')
			s := x ^ (ones * '\\')
			m := (((x - ones*0x20) &^ x) | ((q - ones) &^ q) | ((s - ones) &^ s) | x) & highs
			if m != 0 {
				t := bits.TrailingZeros64(m) / 8
				j += t
				w += t
				break
			}
			j += 8
			w += 8
		}
		for j < n && line[j] >= 0x20 && line[j] != '"' && line[j] != '\\' && line[j] < 0x80 {
			buf[w] = line[j]
			w++
			j++
		}
		if j >= n {
			p.fail(n, "unexpected end of line inside string, expected '\"'")
			return "", false, -1
		}
		c := line[j]
		switch {
		case c == '"':
			p.esc = buf[:w]
			if w == w0 {
				return "", lone, j + 1
			}
			return unsafe.String(&buf[w0], w-w0), lone, j + 1
		case c < 0x20:
			p.failControl(j, c)
			return "", false, -1
		case c >= 0x80:
			k := validRune(line, j)
			if k < 0 {
				p.fail(j, "invalid UTF-8 in string")
				return "", false, -1
			}
			w += copy(buf[w:], line[j:k])
			j = k
			continue
		}
		// A backslash.
		if j+1 >= n {
			p.fail(n, "unexpected end of line inside string, after '\\'")
			return "", false, -1
		}
		var d byte
		switch e := line[j+1]; e {
		case '"', '\\', '/':
			d = e
		case 'b':
			d = '\b'
		case 'f':
			d = '\f'
		case 'n':
			d = '\n'
		case 'r':
			d = '\r'
		case 't':
			d = '\t'
		case 'u':
			r, ok := hex4(line, j+2)
			if !ok {
				p.fail(j, "invalid escape in string: \\u must be followed by 4 hex digits")
				return "", false, -1
			}
			j += 6
			switch {
			case r >= 0xD800 && r < 0xDC00:
				if j+1 < n && line[j] == '\\' && line[j+1] == 'u' {
					if r2, ok := hex4(line, j+2); ok && r2 >= 0xDC00 && r2 < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
						j += 6
						break
					}
				}
				r, lone = utf8.RuneError, true
			case r >= 0xDC00 && r < 0xE000:
				r, lone = utf8.RuneError, true
			}
			w += utf8.EncodeRune(buf[w:], r)
			continue
		default:
			if e >= 0x20 && e < 0x7f {
				p.fail(j, fmt.Sprintf("invalid escape '\\%c' in string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", e))
			} else {
				p.fail(j, "invalid escape in string: "+charAt(line, j+1)+" after '\\'")
			}
			return "", false, -1
		}
		buf[w] = d
		w++
		j += 2
	}
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// charAt describes the character at b[i] for a message: 'x' for printable
// ASCII, else the character and its code point, with a hint for characters
// that often stand in for JSON syntax. b is valid UTF-8 here (a line that is
// not gets a UTF-8 error instead), but a bad byte is still described.
func charAt(b []byte, i int) string {
	c := b[i]
	switch {
	case c >= 0x20 && c < 0x7f:
		return fmt.Sprintf("%q", rune(c))
	case c < 0x80:
		return fmt.Sprintf("U+%04X", c)
	}
	r, size := utf8.DecodeRune(b[i:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02X", c)
	}
	hint := ""
	switch r {
	case '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB':
		hint = "; JSON strings use straight double quotes"
	case '\uFEFF':
		return "U+FEFF (a byte-order mark, allowed only at the start of the file)"
	case '\u00A0', '\u2028', '\u2029', '\u3000':
		hint = ", not JSON whitespace"
	}
	name := fmt.Sprintf("%q (U+%04X%s)", r, r, hint)
	return name
}

// firstInvalidUTF8 finds the first invalid UTF-8 sequence in b and says what is wrong with it.
func firstInvalidUTF8(b []byte) (int, string, bool) {
	if utf8.Valid(b) {
		return 0, "", false
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		if r, size := utf8.DecodeRune(b[i:]); r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		return i, "invalid UTF-8: " + utf8Problem(b[i:]), true
	}
	return 0, "", false // unreachable: utf8.Valid said otherwise
}

// utf8Problem explains why the sequence at the start of b is not UTF-8.
func utf8Problem(b []byte) string {
	c := b[0]
	cont := func(k int, lo, hi byte) int { // 1 ok, 0 missing (end of line), -1 wrong
		if k >= len(b) {
			return 0
		}
		if b[k] < lo || b[k] > hi {
			return -1
		}
		return 1
	}
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0x80 && c <= 0xBF:
		return fmt.Sprintf("unexpected continuation byte 0x%02X", c)
	case c == 0xC0 || c == 0xC1:
		return fmt.Sprintf("overlong encoding (lead byte 0x%02X)", c)
	case c >= 0xF5:
		return fmt.Sprintf("byte 0x%02X never appears in UTF-8", c)
	case c < 0xE0:
		need = 1
	case c < 0xF0:
		need = 2
		if c == 0xE0 {
			if cont(1, 0x80, 0x9F) == 1 {
				return "overlong encoding"
			}
			lo = 0xA0
		}
		if c == 0xED {
			if cont(1, 0xA0, 0xBF) == 1 {
				return "surrogate code point (U+D800-U+DFFF) encoded in UTF-8"
			}
			hi = 0x9F
		}
	default:
		need = 3
		if c == 0xF0 {
			if cont(1, 0x80, 0x8F) == 1 {
				return "overlong encoding"
			}
			lo = 0x90
		}
		if c == 0xF4 {
			if cont(1, 0x90, 0xBF) == 1 {
				return "code point above U+10FFFF"
			}
			hi = 0x8F
		}
	}
	for k := 1; k <= need; k++ {
		l, h := byte(0x80), byte(0xBF)
		if k == 1 {
			l, h = lo, hi
		}
		switch cont(k, l, h) {
		case 0:
			return fmt.Sprintf("truncated sequence (lead byte 0x%02X at the end of the line)", c)
		case -1:
			return fmt.Sprintf("lead byte 0x%02X not followed by a continuation byte", c)
		}
	}
	return "invalid sequence"
}
