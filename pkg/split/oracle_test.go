package split

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"

	"github.com/ftprep/ftprep/pkg/jsonl"
)

// parse builds a jsonl.Value tree for one line with encoding/json's tokenizer:
// an oracle independent of jsonl's parser for the canonicalizer.
func parse(line []byte) (*jsonl.Value, error) {
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (*jsonl.Value, error) {
	off := int(d.InputOffset())
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	v := &jsonl.Value{Offset: off}
	switch t := t.(type) {
	case nil:
		v.Kind = jsonl.Null
	case bool:
		v.Kind, v.Bool = jsonl.Bool, t
	case json.Number:
		v.Kind, v.Num = jsonl.Number, string(t)
	case string:
		v.Kind, v.Str = jsonl.String, t
	case json.Delim:
		switch t {
		case '[':
			v.Kind = jsonl.Array
			for d.More() {
				e, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				v.Elems = append(v.Elems, e)
			}
		case '{':
			v.Kind = jsonl.Object
			for d.More() {
				koff := int(d.InputOffset())
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				ks, ok := k.(string)
				if !ok {
					return nil, errors.New("object key is not a string")
				}
				e, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				v.Members = append(v.Members, jsonl.Member{Key: ks, KeyOffset: koff, Value: e})
			}
		default:
			return nil, errors.New("unexpected delimiter")
		}
		if _, err := d.Token(); err != nil { // the closing ] or }
			return nil, err
		}
	}
	return v, nil
}

// appendCanonical appends a canonical JSON form of v to dst: no insignificant
// whitespace, object members sorted by key (stable, so duplicate keys keep
// their order), strings re-escaped one way (only ", \ and control characters
// escaped, as \n-style or \u00XX), numbers as written. Two lines that differ
// only in key order, whitespace or string escaping have the same form.
//
// The test oracle for jsonl.Canonical as split uses it, built independently.
func appendCanonical(dst []byte, v *jsonl.Value) []byte {
	switch v.Kind {
	case jsonl.Null:
		return append(dst, "null"...)
	case jsonl.Bool:
		return strconv.AppendBool(dst, v.Bool)
	case jsonl.Number:
		return append(dst, v.Num...)
	case jsonl.String:
		return jsonl.AppendString(dst, v.Str)
	case jsonl.Array:
		dst = append(dst, '[')
		for i, e := range v.Elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCanonical(dst, e)
		}
		return append(dst, ']')
	default:
		ms := v.Members
		if !sort.SliceIsSorted(ms, func(i, j int) bool { return ms[i].Key < ms[j].Key }) {
			ms = append([]jsonl.Member(nil), ms...)
			sort.SliceStable(ms, func(i, j int) bool { return ms[i].Key < ms[j].Key })
		}
		dst = append(dst, '{')
		for i, m := range ms {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonl.AppendString(dst, m.Key)
			dst = append(dst, ':')
			dst = appendCanonical(dst, m.Value)
		}
		return append(dst, '}')
	}
}
