package split

import (
	"bytes"
	"errors"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// canonScanner writes the canonical form of one JSON line straight from its
// bytes (no value tree) and, on the way, the canonical form of the value at a
// JSON pointer. The form is jsonl.Canonical's: no insignificant whitespace,
// object members sorted by key bytes (stable, duplicate keys kept), strings
// re-escaped one way, numbers as written; lines that differ only in key order,
// whitespace or string escaping have the same form. Scanning the bytes directly
// is ~5x faster than building a tree with encoding/json first. FuzzCanonical
// checks it against a tree-based oracle (oracle_test.go).
type canonScanner struct {
	src []byte
	i   int
	dst []byte

	toks    [][]byte // canonical (quoted) pointer tokens, for object keys
	idx     []int    // pointer tokens as array indexes (-1 = not an index)
	onFound func(canon []byte)
	found   bool
	group   [16]byte // hash of the pointer's value (set by onFound in hookFunc)

	segs []seg  // member spans of the objects being written (a stack)
	tmp  []byte // scratch for reordering members
	sbuf []byte // scratch for decoding escaped strings
	kbuf [2][]byte
}

type seg struct{ start, keyEnd, end int }

var errCanon = errors.New("not JSON")

// setPointer prepares the scanner to report the value at the pointer tokens.
func (s *canonScanner) setPointer(toks []string) {
	s.toks, s.idx = s.toks[:0], s.idx[:0]
	for _, t := range toks {
		s.toks = append(s.toks, appendString(nil, []byte(t)))
		i, err := strconv.Atoi(t)
		if err != nil || i < 0 || (len(t) > 1 && t[0] == '0') || t[0] == '+' {
			i = -1
		}
		s.idx = append(s.idx, i)
	}
}

// canon appends the canonical form of line to dst (reset) and reports the pointer's value via onFound.
func (s *canonScanner) canon(line []byte) ([]byte, error) {
	s.src, s.i, s.dst, s.found = line, 0, s.dst[:0], false
	s.segs = s.segs[:0]
	s.ws()
	if err := s.value(0, s.onFound != nil); err != nil {
		return nil, err
	}
	s.ws()
	if s.i != len(s.src) {
		return nil, errCanon
	}
	return s.dst, nil
}

func (s *canonScanner) ws() {
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *canonScanner) value(depth int, onPath bool) error {
	if s.i >= len(s.src) {
		return errCanon
	}
	start := len(s.dst)
	var err error
	switch c := s.src[s.i]; {
	case c == '{':
		err = s.object(depth, onPath)
	case c == '[':
		err = s.array(depth, onPath)
	case c == '"':
		err = s.str()
	case c == 't':
		err = s.lit("true")
	case c == 'f':
		err = s.lit("false")
	case c == 'n':
		err = s.lit("null")
	default:
		err = s.num()
	}
	if err != nil {
		return err
	}
	if onPath && depth == len(s.toks) && !s.found {
		s.found = true
		s.onFound(s.dst[start:])
	}
	return nil
}

func (s *canonScanner) lit(w string) error {
	if !bytes.HasPrefix(s.src[s.i:], []byte(w)) {
		return errCanon
	}
	s.i += len(w)
	s.dst = append(s.dst, w...)
	return nil
}

func (s *canonScanner) num() error {
	j := s.i
	for j < len(s.src) {
		switch c := s.src[j]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			j++
			continue
		}
		break
	}
	if j == s.i {
		return errCanon
	}
	s.dst = append(s.dst, s.src[s.i:j]...)
	s.i = j
	return nil
}

// str copies a string, re-escaped as appendString does.
func (s *canonScanner) str() error {
	s.i++ // opening quote
	// Fast path: no escapes, no bytes that appendString would change.
	j := s.i
	for j < len(s.src) {
		c := s.src[j]
		if c == '"' {
			if utf8.Valid(s.src[s.i:j]) {
				s.dst = append(s.dst, '"')
				s.dst = append(s.dst, s.src[s.i:j]...)
				s.dst = append(s.dst, '"')
				s.i = j + 1
				return nil
			}
			break
		}
		if c == '\\' || c < 0x20 {
			break
		}
		j++
	}
	// Slow path: decode into scratch, then encode.
	dec := append(s.sbuf[:0], s.src[s.i:j]...)
	s.i = j
	defer func() { s.sbuf = dec }()
	for {
		if s.i >= len(s.src) {
			return errCanon
		}
		c := s.src[s.i]
		switch {
		case c == '"':
			s.i++
			s.dst = appendString(s.dst, dec)
			return nil
		case c == '\\':
			if s.i+1 >= len(s.src) {
				return errCanon
			}
			e := s.src[s.i+1]
			s.i += 2
			switch e {
			case '"', '\\', '/':
				dec = append(dec, e)
			case 'b':
				dec = append(dec, '\b')
			case 'f':
				dec = append(dec, '\f')
			case 'n':
				dec = append(dec, '\n')
			case 'r':
				dec = append(dec, '\r')
			case 't':
				dec = append(dec, '\t')
			case 'u':
				r, ok := s.hex4()
				if !ok {
					return errCanon
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if s.i+1 < len(s.src) && s.src[s.i] == '\\' && s.src[s.i+1] == 'u' {
						save := s.i
						s.i += 2
						var ok2 bool
						if r2, ok2 = s.hex4(); !ok2 {
							return errCanon
						}
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							r = d
						} else {
							s.i = save // the second escape stands on its own
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				dec = utf8.AppendRune(dec, r)
			default:
				return errCanon
			}
		default:
			dec = append(dec, c)
			s.i++
		}
	}
}

func (s *canonScanner) hex4() (rune, bool) {
	if s.i+4 > len(s.src) {
		return 0, false
	}
	var r rune
	for _, c := range s.src[s.i : s.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

func (s *canonScanner) array(depth int, onPath bool) error {
	s.i++
	s.dst = append(s.dst, '[')
	s.ws()
	if s.i < len(s.src) && s.src[s.i] == ']' {
		s.i++
		s.dst = append(s.dst, ']')
		return nil
	}
	for n := 0; ; n++ {
		if n > 0 {
			s.dst = append(s.dst, ',')
		}
		child := onPath && depth < len(s.toks) && s.idx[depth] == n
		if err := s.value(depth+1, child); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.src) {
			return errCanon
		}
		switch s.src[s.i] {
		case ',':
			s.i++
			s.ws()
		case ']':
			s.i++
			s.dst = append(s.dst, ']')
			return nil
		default:
			return errCanon
		}
	}
}

func (s *canonScanner) object(depth int, onPath bool) error {
	s.i++
	open := len(s.dst)
	s.dst = append(s.dst, '{')
	s.ws()
	if s.i < len(s.src) && s.src[s.i] == '}' {
		s.i++
		s.dst = append(s.dst, '}')
		return nil
	}
	base := len(s.segs)
	matched := false
	sorted := true
	for {
		if len(s.segs) > base {
			s.dst = append(s.dst, ',')
		}
		if s.i >= len(s.src) || s.src[s.i] != '"' {
			return errCanon
		}
		ks := len(s.dst)
		if err := s.str(); err != nil {
			return err
		}
		ke := len(s.dst)
		s.ws()
		if s.i >= len(s.src) || s.src[s.i] != ':' {
			return errCanon
		}
		s.i++
		s.ws()
		s.dst = append(s.dst, ':')
		child := false
		if onPath && !matched && depth < len(s.toks) && bytes.Equal(s.dst[ks:ke], s.toks[depth]) {
			child, matched = true, true
		}
		if err := s.value(depth+1, child); err != nil {
			return err
		}
		if n := len(s.segs); n > base && sorted {
			p := s.segs[n-1]
			sorted = s.keyLess(s.dst[p.start:p.keyEnd], s.dst[ks:ke]) || !s.keyLess(s.dst[ks:ke], s.dst[p.start:p.keyEnd])
		}
		s.segs = append(s.segs, seg{ks, ke, len(s.dst)})
		s.ws()
		if s.i >= len(s.src) {
			return errCanon
		}
		if s.src[s.i] == ',' {
			s.i++
			s.ws()
			continue
		}
		if s.src[s.i] != '}' {
			return errCanon
		}
		s.i++
		break
	}
	ms := s.segs[base:]
	if !sorted {
		sort.SliceStable(ms, func(a, b int) bool {
			return s.keyLess(s.dst[ms[a].start:ms[a].keyEnd], s.dst[ms[b].start:ms[b].keyEnd])
		})
		s.tmp = append(s.tmp[:0], s.dst[open:]...)
		s.dst = s.dst[:open+1]
		for k, m := range ms {
			if k > 0 {
				s.dst = append(s.dst, ',')
			}
			s.dst = append(s.dst, s.tmp[m.start-open:m.end-open]...)
		}
	}
	s.dst = append(s.dst, '}')
	s.segs = s.segs[:base]
	return nil
}

// keyLess orders canonical (quoted, escaped) keys by their decoded bytes, as appendCanonical does.
func (s *canonScanner) keyLess(a, b []byte) bool {
	if bytes.IndexByte(a, '\\') < 0 && bytes.IndexByte(b, '\\') < 0 {
		return bytes.Compare(a, b) < 0
	}
	s.kbuf[0] = unescapeCanon(s.kbuf[0][:0], a)
	s.kbuf[1] = unescapeCanon(s.kbuf[1][:0], b)
	return bytes.Compare(s.kbuf[0], s.kbuf[1]) < 0
}

// unescapeCanon decodes a string written by appendString (quotes included).
func unescapeCanon(dst, q []byte) []byte {
	q = q[1 : len(q)-1]
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch q[i] {
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'u':
			v, _ := strconv.ParseUint(string(q[i+1:i+5]), 16, 8)
			dst = append(dst, byte(v))
			i += 4
		default:
			dst = append(dst, q[i])
		}
	}
	return dst
}
