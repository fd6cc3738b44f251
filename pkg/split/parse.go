package split

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/ftprep/ftprep/pkg/jsonl"
)

// parse builds a jsonl.Value tree for one line.
//
// Local stand-in: the placeholder jsonl.Parse on main reads one token too many
// after every value (nested objects come out wrong or panic), so split parses
// with encoding/json's tokenizer here until the jsonl area's parser lands; then
// this becomes jsonl.Parse.
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
