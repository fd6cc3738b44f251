package jsonl

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/ftprep/ftprep/pkg/testenv"
)

// toAny converts a tree to what encoding/json decodes with UseNumber (the
// last of duplicate keys wins, as there).
func toAny(v *Value) any {
	switch v.Kind {
	case Null:
		return nil
	case Bool:
		return v.Bool
	case Number:
		return json.Number(v.Num)
	case String:
		return v.Str
	case Array:
		a := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			a[i] = toAny(e)
		}
		return a
	default:
		m := make(map[string]any, len(v.Members))
		for _, mb := range v.Members {
			m[mb.Key] = toAny(mb.Value)
		}
		return m
	}
}

func stdDecode(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		t.Fatalf("encoding/json cannot decode %q: %v", b, err)
	}
	return x
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, in string
		off      int
		utf8     bool
		msg      string // substring of the message
	}{
		{"empty line", ``, 0, false, "empty line"},
		{"only whitespace", "  \t", 3, false, "only whitespace"},
		{"raw control char", `{"a":"x` + "\x01" + `"}`, 7, false, `raw control character U+0001 in string (write it as \u0001)`},
		{"raw tab", "[\"a\tb\"]", 3, false, `raw control character U+0009 in string (write it as \t)`},
		{"raw newline after escape", `["\n` + "\n" + `"]`, 4, false, "raw control character U+000A"},
		{"invalid escape", `{"a":"x\qy"}`, 7, false, `invalid escape '\q' in string`},
		{"invalid escape after escape", `["\n\x"]`, 4, false, `invalid escape '\x'`},
		{"short unicode escape", `["\u12"]`, 2, false, `\u must be followed by 4 hex digits`},
		{"bad hex", `["\u12g4"]`, 2, false, `4 hex digits`},
		{"NaN", `{"a":NaN}`, 5, false, "NaN is not valid JSON"},
		{"Infinity", `[Infinity]`, 1, false, "Infinity is not valid JSON"},
		{"-Infinity", `[1,-Infinity]`, 3, false, "-Infinity is not valid JSON"},
		{"leading zero", `[01]`, 2, false, "leading zero"},
		{"negative leading zero", `-012`, 2, false, "leading zero"},
		{"plus sign", `+1`, 0, false, "plus sign"},
		{"trailing dot", `1.`, 2, false, "digit after the decimal point"},
		{"dot then letter", `[1.e5]`, 3, false, "digit after the decimal point"},
		{"leading dot", `.5`, 0, false, "start with a digit"},
		{"empty exponent", `1e`, 2, false, "exponent"},
		{"signed empty exponent", `1E+]`, 3, false, "exponent"},
		{"minus alone", `-`, 1, false, "after '-'"},
		{"minus letter", `-a`, 1, false, "in number, expected a digit"},
		{"trailing garbage", `{"a":1} x`, 8, false, "trailing data after the JSON value"},
		{"two values", `{} {}`, 3, false, "trailing data"},
		{"trailing comma array", `[1,]`, 3, false, "no trailing commas"},
		{"trailing comma object", `{"a":1,}`, 7, false, "no trailing commas"},
		{"missing colon", `{"a" 1}`, 5, false, "expected ':'"},
		{"missing comma", `[1 2]`, 3, false, "expected ',' or ']'"},
		{"missing comma object", `{"a":1 "b":2}`, 7, false, "expected ',' or '}'"},
		{"unquoted key", `{a:1}`, 1, false, "expected a string key"},
		{"single quotes", `{'a':1}`, 1, false, "expected a string key"},
		{"single quoted value", `['a']`, 1, false, "double quotes"},
		{"truncated string", `{"messages":[{"role":"us`, 24, false, "unexpected end of line inside string"},
		{"truncated after backslash", `["ab\`, 5, false, "unexpected end of line inside string"},
		{"truncated object", `{"a":1`, 6, false, "unexpected end of line inside object"},
		{"truncated after key", `{"a"`, 4, false, "expected ':'"},
		{"truncated after colon", `{"a":`, 5, false, "expected a JSON value"},
		{"truncated array", `[1,2`, 4, false, "unexpected end of line inside array"},
		{"truncated open", `{`, 1, false, "expected a string key"},
		{"truncated literal", `[tru`, 4, false, "literal true"},
		{"bad literal", `[nul1]`, 4, false, "literal null"},
		{"capital literal", `True`, 0, false, "expected a JSON value"},
		{"close bracket", `]`, 0, false, "expected a JSON value"},
		{"nested too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), MaxDepth, false, "nesting deeper than 10000"},
		{"BOM inside line", "\uFEFF{}", 0, false, "invalid character U+FEFF (a byte-order mark"},
		{"smart quotes", `{“role”: "user"}`, 1, false, `invalid character '“' (U+201C; JSON strings use straight double quotes) in object`},
		{"no-break space", "[1,\u00a02]", 3, false, `invalid character '\u00a0' (U+00A0, not JSON whitespace), expected a JSON value`},
		{"control char outside string", "[\x01]", 1, false, "invalid character U+0001, expected a JSON value"},
		{"non-ASCII after value", `{"a":1}é`, 7, false, "trailing data after the JSON value: 'é' (U+00E9)"},
		// UTF-8: the offset is the first byte of the first bad sequence, wherever it is.
		{"bad byte in string", "{\"a\":\"x\xffy\"}", 7, true, "byte 0xFF never appears"},
		{"bad byte outside string", "{\"a\":1}\xff", 7, true, "invalid UTF-8"},
		{"utf8 before syntax error", "[\"\xc3\",", 2, true, "lead byte 0xC3 not followed"},
		{"utf8 after syntax error", "[1 2, \"\xff\"]", 7, true, "invalid UTF-8"},
		{"overlong two-byte", "[\"\xc0\xaf\"]", 2, true, "overlong"},
		{"overlong three-byte", "[\"\xe0\x80\xaf\"]", 2, true, "overlong"},
		{"overlong four-byte", "[\"\xf0\x80\x80\xaf\"]", 2, true, "overlong"},
		{"utf8 surrogate", "[\"\xed\xa0\x80\"]", 2, true, "surrogate"},
		{"above U+10FFFF", "[\"\xf4\x90\x80\x80\"]", 2, true, "above U+10FFFF"},
		{"stray continuation", "[\"ab\x80\"]", 4, true, "continuation byte 0x80"},
		{"truncated sequence at end", "[\"ab\xe2\x82", 4, true, "truncated sequence"},
		{"bad utf8 in key", "{\"k\xfe\":1}", 3, true, "0xFE"},
		{"bad utf8 in escaped string", "[\"\\n\xc3(\"]", 4, true, "lead byte 0xC3"},
	}
	var p Parser
	pa := Parser{AliasLine: true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, parse := range []func([]byte) (*Value, *SyntaxError){Parse, p.Parse, pa.Parse} {
				v, err := parse([]byte(tt.in))
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want an error", tt.in, toAny(v))
				}
				if v != nil {
					t.Errorf("Parse(%q) returned a value with an error", tt.in)
				}
				if err.Offset != tt.off || err.UTF8 != tt.utf8 || !strings.Contains(err.Msg, tt.msg) {
					t.Errorf("Parse(%q) = {Offset:%d UTF8:%v Msg:%q}, want {Offset:%d UTF8:%v Msg~%q}",
						tt.in, err.Offset, err.UTF8, err.Msg, tt.off, tt.utf8, tt.msg)
				}
				if json.Valid([]byte(tt.in)) && utf8.ValidString(tt.in) {
					t.Errorf("test case %q is valid for encoding/json", tt.in)
				}
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []string{
		`{}`, `[]`, `0`, `-0`, `1.5e-3`, `-12.0E+10`, `1E5`, `true`, `false`, `null`, `""`,
		` {"a" : [ 1 , 2 ] } ` + "\t\r\n",
		`{"messages":[{"role":"user","content":"héllo 世界 😀"},{"role":"assistant","content":"ok","weight":1}]}`,
		`["\"\\\/\b\f\n\r\t"]`,
		`["\u00e9\u4e16\ud83d\ude00"]`,
		`["a\u0000b"]`,
		`["plain then \n escape then plain text that is long enough for the word loop"]`,
		`{"a":1,"a":2}`,
		`[[[[[]]]]]`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
		"\"\x7f\"",
	}
	p := Parser{AliasLine: true}
	for _, in := range tests {
		v, err := p.Parse([]byte(in))
		if err != nil {
			t.Errorf("Parse(%.60q) failed: %v at %d", in, err, err.Offset)
			continue
		}
		if got, want := toAny(v), stdDecode(t, []byte(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%.60q) = %#v, want %#v", in, got, want)
		}
	}
}

func TestParseLoneSurrogate(t *testing.T) {
	tests := []struct {
		in   string
		want string
		lone bool
	}{
		{`"\ud83d\ude00"`, "😀", false},
		{`"\ud83d"`, "\uFFFD", true},
		{`"\ude00x"`, "\uFFFDx", true},
		{`"\ud83dx"`, "\uFFFDx", true},
		{`"\ud83d\u0041"`, "\uFFFDA", true},
		{`"\ud83d\ud83d\ude00"`, "\uFFFD😀", true},
		{`"\uDBFF\uDFFF"`, "\U0010FFFF", false},
	}
	for _, tt := range tests {
		v, err := Parse([]byte(tt.in))
		if err != nil {
			t.Fatalf("Parse(%s): %v", tt.in, err)
		}
		if v.Str != tt.want || v.LoneSurrogate != tt.lone {
			t.Errorf("Parse(%s) = %q lone=%v, want %q lone=%v", tt.in, v.Str, v.LoneSurrogate, tt.want, tt.lone)
		}
		if want := stdDecode(t, []byte(tt.in)); want != v.Str {
			t.Errorf("Parse(%s) = %q, encoding/json says %q", tt.in, v.Str, want)
		}
	}
}

func TestParseOffsets(t *testing.T) {
	line := `{"messages": [{"role":"user", "content":"a\"b"}, 12, true], "k\/": null, "n": -1.5e3}`
	v, err := Parse([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	at := func(sub string, n int) int { // offset of the n-th (0-based) occurrence of sub
		o := 0
		for ; n >= 0; n-- {
			i := strings.Index(line[o:], sub)
			if i < 0 {
				t.Fatalf("%q not in line", sub)
			}
			o += i + 1
		}
		return o - 1
	}
	msgs := v.Get("messages")
	checks := []struct {
		name      string
		got, want int
	}{
		{"root", v.Offset, 0},
		{"messages key", v.Members[0].KeyOffset, at(`"messages"`, 0)},
		{"messages", msgs.Offset, at(`[`, 0)},
		{"message 0", msgs.Elems[0].Offset, at(`{"role"`, 0)},
		{"role key", msgs.Elems[0].Members[0].KeyOffset, at(`"role"`, 0)},
		{"role value", msgs.Elems[0].Members[0].Value.Offset, at(`"user"`, 0)},
		{"content value", msgs.Elems[0].Get("content").Offset, at(`"a\"b"`, 0)},
		{"12", msgs.Elems[1].Offset, at(`12`, 0)},
		{"true", msgs.Elems[2].Offset, at(`true`, 0)},
		{"k/ key", v.Members[1].KeyOffset, at(`"k\/"`, 0)},
		{"null", v.Members[1].Value.Offset, at(`null`, 0)},
		{"n", v.Get("n").Offset, at(`-1.5e3`, 0)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: offset %d, want %d", c.name, c.got, c.want)
		}
	}
	if got := msgs.Elems[0].Get("content").Str; got != `a"b` {
		t.Errorf("content = %q", got)
	}
	if v.Members[1].Key != "k/" || v.Get("n").Num != "-1.5e3" {
		t.Errorf("key %q num %q", v.Members[1].Key, v.Get("n").Num)
	}
}

// A Parser reuses its slabs, but strings from an earlier line must survive.
func TestParserReuse(t *testing.T) {
	var p Parser
	line := []byte(`{"content":"first line text","esc":"a\nb","n":42}`)
	v, err := p.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	content, esc, num := v.Get("content").Str, v.Get("esc").Str, v.Get("n").Num
	copy(line, bytes.Repeat([]byte("x"), len(line))) // the caller reuses its buffer
	for range 3 {
		if _, err := p.Parse([]byte(`{"content":"second line, different","esc":"c\td","n":7}`)); err != nil {
			t.Fatal(err)
		}
	}
	if content != "first line text" || esc != "a\nb" || num != "42" {
		t.Errorf("strings changed after reuse: %q %q %q", content, esc, num)
	}
	if _, err := p.Parse([]byte(`{"a":`)); err == nil {
		t.Fatal("want error")
	}
	v, err = p.Parse([]byte(`[1,{"b":[2]}]`))
	if err != nil {
		t.Fatalf("parse after an error: %v", err)
	}
	if got := toAny(v); !reflect.DeepEqual(got, stdDecode(t, []byte(`[1,{"b":[2]}]`))) {
		t.Errorf("after reuse: %#v", got)
	}
}

func TestParseAllocs(t *testing.T) {
	line := []byte(`{"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Say \"hi\"\n"},{"role":"assistant","content":"hi","weight":1}]}`)
	var p Parser
	p.Parse(line)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := p.Parse(line); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 { // the line's private copy
		t.Errorf("Parser.Parse allocates %.1f times per line, want at most 1", allocs)
	}
	pa := Parser{AliasLine: true}
	pa.Parse(line)
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := pa.Parse(line); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0.05 { // only a new slab for escaped strings now and then
		t.Errorf("Parser{AliasLine: true}.Parse allocates %.2f times per line, want 0", allocs)
	}
}

// With AliasLine, strings without escapes point into the line; escaped ones
// never do, and survive later lines.
func TestParseAliasLine(t *testing.T) {
	line := []byte(`{"plain":"abc","esc":"a\tb","n":12}`)
	p := Parser{AliasLine: true}
	v, err := p.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	inLine := func(s string) bool {
		d := unsafe.StringData(s)
		return uintptr(unsafe.Pointer(d)) >= uintptr(unsafe.Pointer(&line[0])) &&
			uintptr(unsafe.Pointer(d)) < uintptr(unsafe.Pointer(&line[0]))+uintptr(len(line))
	}
	plain, esc, num := v.Get("plain").Str, v.Get("esc").Str, v.Get("n").Num
	if !inLine(plain) || !inLine(num) || inLine(esc) || !inLine(v.Members[0].Key) {
		t.Errorf("aliasing: plain %v num %v esc %v key %v", inLine(plain), inLine(num), inLine(esc), inLine(v.Members[0].Key))
	}
	for range 10000 { // fill and replace the escape slab
		if _, err := p.Parse([]byte(`["x\ny\u00e9zzzzzzzzzzzzzzzzzzzzzzzzzz"]`)); err != nil {
			t.Fatal(err)
		}
	}
	if plain != "abc" || esc != "a\tb" || num != "12" {
		t.Errorf("strings changed: %q %q %q", plain, esc, num)
	}
}

// A huge nesting depth is an error, not a stack overflow, and a long flat
// array is fine.
func TestParseDeep(t *testing.T) {
	deep := strings.Repeat(`{"a":[`, 200000)
	_, err := Parse([]byte(deep))
	if err == nil || !strings.Contains(err.Msg, "nesting deeper") {
		t.Fatalf("got %v", err)
	}
	flat := "[" + strings.Repeat("1,", 300000) + "1]"
	v, err := Parse([]byte(flat))
	if err != nil || len(v.Elems) != 300001 {
		t.Fatalf("flat array: %v", err)
	}
}

func TestParseRealData(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.SharedDir(t), "data", "real", "*.jsonl"))
	if len(files) == 0 {
		t.Skip("no real datasets")
	}
	// Lines that are not JSON, by file (SOURCES.md documents them); every
	// other line of every file must parse.
	wantRejected := map[string][]int{"49595-HW1__biden.jsonl": {1, 2, 38, 52, 58}} // "//" comment lines
	rejected := map[string][]int{}
	p := Parser{AliasLine: true} // as validate reads: NextBatch + AliasLine
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		r := NewReader(fh)
		var lines []Line
		for {
			b, err := r.NextBatch(100, 64<<10)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, b...)
		}
		n := 0
		for _, l := range lines {
			if len(bytes.TrimSpace(l.Data)) == 0 {
				continue // blank lines are validate's business
			}
			n++
			v, perr := p.Parse(l.Data)
			if perr != nil {
				rejected[filepath.Base(f)] = append(rejected[filepath.Base(f)], l.Number)
				if json.Valid(l.Data) && utf8.Valid(l.Data) {
					t.Errorf("%s:%d:%d: %v", filepath.Base(f), l.Number, perr.Offset+1, perr)
				}
				continue
			}
			if got, want := toAny(v), stdDecode(t, l.Data); !reflect.DeepEqual(got, want) {
				t.Errorf("%s:%d: differs from encoding/json", filepath.Base(f), l.Number)
			}
		}
		fh.Close()
		if n == 0 {
			t.Errorf("%s: no lines", f)
		}
		if b := filepath.Base(f); !slices.Equal(rejected[b], wantRejected[b]) {
			t.Errorf("%s: rejected lines %v, want %v", b, rejected[b], wantRejected[b])
		}
	}
}

// checkOffsets asserts that every value and key in the tree starts where its
// Offset says: decoding the line from there gives the same value.
func checkOffsets(t *testing.T, line []byte, v *Value) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(line[v.Offset:]))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil || !reflect.DeepEqual(x, toAny(v)) {
		t.Fatalf("value at offset %d of %q: decodes to %#v (%v), want %#v", v.Offset, line, x, err, toAny(v))
	}
	for _, e := range v.Elems {
		checkOffsets(t, line, e)
	}
	for _, m := range v.Members {
		var k string
		if err := json.NewDecoder(bytes.NewReader(line[m.KeyOffset:])).Decode(&k); err != nil || k != m.Key {
			t.Fatalf("key at offset %d of %q: %q (%v), want %q", m.KeyOffset, line, k, err, m.Key)
		}
		checkOffsets(t, line, m.Value)
	}
}

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{
		`{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo","weight":0}]}`,
		`[1,-0.5e+3,true,false,null,"\u00e9\ud83d\ude00\ud800"]`, `{"a":{"a":{}},"a":[]}`,
		"\"a\x01\"", `"\q"`, `NaN`, `01`, `1.`, `{"a":1} x`, "\"\xff\"", "\"\xed\xa0\x80\"", "", " ",
		`{"k":"v"`, `["\u12"]`, "[\"\xf4\x90\x80\x80\"]", `  [  ]  `, `"\/"`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzParse: Parse accepts exactly what encoding/json.Valid and utf8.Valid
// both accept, decodes to what encoding/json decodes, and every offset points
// at its value. No deliberate differences.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	var p Parser
	pa := Parser{AliasLine: true}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := p.Parse(b)
		va, erra := pa.Parse(b)
		if !reflect.DeepEqual(err, erra) || (err == nil && !reflect.DeepEqual(toAny(v), toAny(va))) {
			t.Fatalf("Parse(%q): AliasLine changes the result: %v vs %v", b, err, erra)
		}
		want := json.Valid(b) && utf8.Valid(b)
		if (err == nil) != want {
			t.Fatalf("Parse(%q): err=%v, encoding/json and utf8 say valid=%v", b, err, want)
		}
		if err != nil {
			if err.Offset < 0 || err.Offset > len(b) {
				t.Fatalf("Parse(%q): offset %d out of range", b, err.Offset)
			}
			if err.UTF8 != !utf8.Valid(b) {
				t.Fatalf("Parse(%q): UTF8=%v", b, err.UTF8)
			}
			if err.UTF8 && (!utf8.Valid(b[:err.Offset]) || utf8.Valid(b[err.Offset:])) {
				t.Fatalf("Parse(%q): UTF-8 error at %d is not the first bad byte", b, err.Offset)
			}
			return
		}
		if got, want := toAny(v), stdDecode(t, b); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %#v, encoding/json: %#v", b, got, want)
		}
		checkOffsets(t, b, v)
	})
}

// FuzzCanonical: the canonical form of a parsed line parses to an equal value,
// is its own canonical form, and does not depend on key order.
func FuzzCanonical(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Parse(b)
		if err != nil {
			return
		}
		c := Canonical(nil, v)
		v2, err := Parse(c)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", c, b, err)
		}
		if !reflect.DeepEqual(toAny(v), toAny(v2)) {
			t.Fatalf("canonical form %q of %q decodes differently", c, b)
		}
		if c2 := Canonical(nil, v2); !bytes.Equal(c, c2) {
			t.Fatalf("not idempotent: %q then %q", c, c2)
		}
		// Compact keeps the member order: it parses back to the same tree.
		k := Compact(nil, v)
		vk, err := Parse(k)
		if err != nil || !sameTree(v, vk) {
			t.Fatalf("compact form %q of %q does not parse back to the same tree: %v", k, b, err)
		}
		if !bytes.Equal(Canonical(nil, vk), c) {
			t.Fatalf("canonical form of the compact form %q differs", k)
		}
		reverseMembers(v)
		if c3 := Canonical(nil, v); !bytes.Equal(c, c3) && !hasDuplicateKeys(v) {
			t.Fatalf("key order changes the canonical form: %q vs %q", c, c3)
		}
	})
}

// sameTree compares two trees by kind, content and member order (not offsets).
func sameTree(a, b *Value) bool {
	if a.Kind != b.Kind || a.Bool != b.Bool || a.Num != b.Num || a.Str != b.Str ||
		len(a.Elems) != len(b.Elems) || len(a.Members) != len(b.Members) {
		return false
	}
	for i := range a.Elems {
		if !sameTree(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	for i := range a.Members {
		if a.Members[i].Key != b.Members[i].Key || !sameTree(a.Members[i].Value, b.Members[i].Value) {
			return false
		}
	}
	return true
}

func reverseMembers(v *Value) {
	for i, j := 0, len(v.Members)-1; i < j; i, j = i+1, j-1 {
		v.Members[i], v.Members[j] = v.Members[j], v.Members[i]
	}
	for _, m := range v.Members {
		reverseMembers(m.Value)
	}
	for _, e := range v.Elems {
		reverseMembers(e)
	}
}

func hasDuplicateKeys(v *Value) bool {
	seen := map[string]bool{}
	for _, m := range v.Members {
		if seen[m.Key] || hasDuplicateKeys(m.Value) {
			return true
		}
		seen[m.Key] = true
	}
	for _, e := range v.Elems {
		if hasDuplicateKeys(e) {
			return true
		}
	}
	return false
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{` { "b" : 1 , "a" : [ true , null , "x" ] } `, `{"a":[true,null,"x"],"b":1}`},
		{`{"role":"user","content":"hi"}`, `{"content":"hi","role":"user"}`},
		{`["\u0041\/\u00e9\ud83d\ude00"]`, `["A/é😀"]`},
		{`["\u0001\b\f\n\r\t\"\\\u007f"]`, "[\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\\x7f\"]"},
		{`[1.0,1e2,-0]`, `[1.0,1e2,-0]`},
		{`{"a":2,"a":1,"B":0}`, `{"B":0,"a":2,"a":1}`},
		{`{"é":1,"z":2,"😀":3,"\uffff":4}`, `{"z":2,"é":1,"` + "\uffff" + `":4,"😀":3}`},
		{`"\ud800"`, `"` + "\uFFFD" + `"`},
		{`{}`, `{}`},
	}
	for _, tt := range tests {
		v, err := Parse([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := string(Canonical(nil, v)); got != tt.want {
			t.Errorf("Canonical(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := string(Canonical([]byte("x"), &Value{Kind: String, Str: "a\xffb"})); got != "x\"a\uFFFDb\"" {
		t.Errorf("invalid UTF-8 in Str: %q", got)
	}
}

func TestParseString(t *testing.T) {
	var p Parser
	args := `{"city": "Paris", "days": [1, 2], "note": "a\nb"}`
	v, err := p.ParseString(args)
	if err != nil {
		t.Fatal(err)
	}
	if got := toAny(v); !reflect.DeepEqual(got, stdDecode(t, []byte(args))) {
		t.Errorf("ParseString = %#v", got)
	}
	if p.AliasLine {
		t.Error("ParseString changed AliasLine")
	}
	if _, err := p.ParseString(`{"city": "Paris"`); err == nil || err.Offset != 16 {
		t.Errorf("truncated arguments: %v", err)
	}
	if _, err := p.ParseString(""); err == nil {
		t.Error("empty string parsed")
	}
}

func TestCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{` { "role" : "user" , "content" : [ {"type":"text","text":"a\u0041\n"} ] , "role":1} `,
			`{"role":"user","content":[{"type":"text","text":"aA\n"}],"role":1}`},
		{`[ 1.50 , -0 , 1E+2 ]`, `[1.50,-0,1E+2]`},
		{`"\ud800\u00e9"`, "\"\uFFFDé\""},
	}
	for _, tt := range tests {
		v, err := Parse([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := string(Compact(nil, v)); got != tt.want {
			t.Errorf("Compact(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestPointer(t *testing.T) {
	if got := Pointer(PointerIndex("/messages", 2), "a/b~c"); got != "/messages/2/a~1b~0c" {
		t.Errorf("got %q", got)
	}
	if got := Pointer("", ""); got != "/" {
		t.Errorf("empty key: %q", got)
	}
}

// Strings from earlier lines stay intact while a Parser fills and replaces its
// escape slab (strings of every length, escapes at every position, lines
// reused by the caller).
func TestParserStringsSurvive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "é", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "xyzxyzxy", "\\t\\t", "世"}
	for _, alias := range []bool{false, true} {
		p := Parser{AliasLine: alias}
		type kept struct{ got, want string }
		var all []kept
		buf := make([]byte, 0, 4096)
		for range 3000 {
			var raw strings.Builder
			for range rng.IntN(60) {
				raw.WriteString(pieces[rng.IntN(len(pieces))])
			}
			line := append([]byte(nil), `["`+raw.String()+`",{"k`+raw.String()+`":"v"}]`...)
			if !alias { // the caller reuses one buffer
				buf = append(buf[:0], line...)
				line = buf
			}
			v, err := p.Parse(line)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			var want []any
			if err := json.Unmarshal(line, &want); err != nil {
				t.Fatal(err)
			}
			all = append(all, kept{v.Elems[0].Str, want[0].(string)}, kept{v.Elems[1].Members[0].Key, "k" + want[0].(string)})
		}
		for i, k := range all {
			if k.got != k.want {
				t.Fatalf("AliasLine=%v: string %d is %q, want %q", alias, i, k.got, k.want)
			}
		}
	}
}
