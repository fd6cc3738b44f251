package jsonl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Parse parses one line strictly. The result is nil when err is non-nil.
//
// Placeholder built on encoding/json's tokenizer; the jsonl area replaces it
// with a fast strict parser (issue 2). Offsets of nested values are approximate here.
func Parse(line []byte) (*Value, *SyntaxError) {
	if !utf8.Valid(line) {
		i := 0
		for i < len(line) {
			r, n := utf8.DecodeRune(line[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, &SyntaxError{Offset: i, UTF8: true, Msg: "invalid UTF-8"}
	}
	if !json.Valid(line) {
		var x any
		off := 0
		msg := "invalid JSON"
		if err := json.Unmarshal(line, &x); err != nil {
			msg = err.Error()
			if se, ok := err.(*json.SyntaxError); ok && se.Offset > 0 {
				off = int(se.Offset) - 1
			} else {
				off = len(line)
			}
		}
		return nil, &SyntaxError{Offset: off, Msg: msg}
	}
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	v, err := decode(d, line)
	if err != nil {
		return nil, &SyntaxError{Offset: int(d.InputOffset()), Msg: err.Error()}
	}
	return v, nil
}

// skipSep moves off past whitespace, ':' and ',' to the next token's first byte.
func skipSep(line []byte, off int) int {
	for off < len(line) {
		switch line[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}

func decode(d *json.Decoder, line []byte) (*Value, error) {
	off := skipSep(line, int(d.InputOffset()))
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	v := &Value{Offset: off}
	switch t := t.(type) {
	case nil:
		v.Kind = Null
	case bool:
		v.Kind, v.Bool = Bool, t
	case json.Number:
		v.Kind, v.Num = Number, string(t)
	case string:
		v.Kind, v.Str = String, t
	case json.Delim:
		switch t {
		case '[':
			v.Kind = Array
			for d.More() {
				e, err := decode(d, line)
				if err != nil {
					return nil, err
				}
				v.Elems = append(v.Elems, e)
			}
		case '{':
			v.Kind = Object
			for d.More() {
				koff := skipSep(line, int(d.InputOffset()))
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				e, err := decode(d, line)
				if err != nil {
					return nil, err
				}
				v.Members = append(v.Members, Member{Key: k.(string), KeyOffset: koff, Value: e})
			}
		}
		if _, err := d.Token(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unexpected token %v", t)
	}
	return v, nil
}
