package split

import (
	"strconv"
	"strings"

	"github.com/ftprep/ftprep/pkg/jsonl"
)

// canonicalizer gives one line's canonical JSON (jsonl.Canonical: key order,
// whitespace and string escaping do not matter) and the canonical form of the
// value at the --group-by pointer. One per worker goroutine; not safe for
// concurrent use.
type canonicalizer struct {
	p    jsonl.Parser
	toks []string // --group-by pointer tokens (nil: no grouping)
	buf  []byte
	gbuf []byte
}

func newCanonicalizer(toks []string) *canonicalizer {
	return &canonicalizer{p: jsonl.Parser{AliasLine: true}, toks: toks}
}

// canon returns line's canonical form and, when the pointer resolves, the
// canonical form of the value there (found). Both slices are reused by the
// next call.
func (c *canonicalizer) canon(line []byte) (canon, group []byte, found bool, err error) {
	v, serr := c.p.Parse(line)
	if serr != nil {
		return nil, nil, false, serr
	}
	canon, group, found = c.value(v)
	return canon, group, found, nil
}

// value is canon for a line the caller has parsed already.
func (c *canonicalizer) value(v *jsonl.Value) (canon, group []byte, found bool) {
	c.buf = jsonl.Canonical(c.buf[:0], v)
	if c.toks != nil {
		if g := resolve(v, c.toks); g != nil {
			c.gbuf = jsonl.Canonical(c.gbuf[:0], g)
			return c.buf, c.gbuf, true
		}
	}
	return c.buf, nil, false
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
