package split

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ftprep/ftprep/pkg/jsonl"
)

// appendCanonical appends a canonical JSON form of v to dst: no insignificant
// whitespace, object members sorted by key (stable, so duplicate keys keep
// their order), strings re-escaped one way (only ", \ and control characters
// escaped, as \n-style or \u00XX), numbers as written. Two lines that differ
// only in key order, whitespace or string escaping have the same form.
//
// Local stand-in until jsonl.Canonical lands (the jsonl area owns that).
func appendCanonical(dst []byte, v *jsonl.Value) []byte {
	switch v.Kind {
	case jsonl.Null:
		return append(dst, "null"...)
	case jsonl.Bool:
		return strconv.AppendBool(dst, v.Bool)
	case jsonl.Number:
		return append(dst, v.Num...)
	case jsonl.String:
		return appendString(dst, v.Str)
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
			dst = appendString(dst, m.Key)
			dst = append(dst, ':')
			dst = appendCanonical(dst, m.Value)
		}
		return append(dst, '}')
	}
}

const hexDigits = "0123456789abcdef"

func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(dst, '"')
}

// parsePointer splits an RFC 6901 JSON pointer into unescaped reference tokens.
func parsePointer(p string) ([]string, bool) {
	if p == "" {
		return nil, true
	}
	if p[0] != '/' {
		return nil, false
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		if strings.Contains(t, "~") {
			for j := 0; j < len(t); j++ {
				if t[j] == '~' && (j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1')) {
					return nil, false
				}
			}
			toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
		}
	}
	return toks, true
}

// resolve returns the value at the pointer tokens, or nil when there is none.
func resolve(v *jsonl.Value, toks []string) *jsonl.Value {
	for _, t := range toks {
		switch v.Kind {
		case jsonl.Object:
			v = v.Get(t)
		case jsonl.Array:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(v.Elems) || (len(t) > 1 && t[0] == '0') || t[0] == '+' {
				return nil
			}
			v = v.Elems[i]
		default:
			return nil
		}
		if v == nil {
			return nil
		}
	}
	return v
}
