package jsonl

import (
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Canonical appends the canonical JSON form of v to dst: no whitespace, object
// members sorted by key in byte order (the order of UTF-8 bytes, which is
// code-point order; members with equal keys keep their input order, none is
// dropped), strings re-encoded minimally (only '"', '\\' and control
// characters escaped, as \" \\ \b \f \n \r \t or \u00XX) and numbers exactly
// as written. Two lines that differ only in key order, whitespace or string
// escaping have the same canonical form, which is what duplicate detection
// needs. A lone-surrogate escape was decoded to U+FFFD, so it compares equal
// to a literal U+FFFD. Invalid UTF-8 in a hand-built Str is written as U+FFFD.
func Canonical(dst []byte, v *Value) []byte { return appendValue(dst, v, true) }

// Compact appends v to dst as JSON without whitespace, keeping its members in
// input order (duplicates included) and numbers as written, with strings
// re-encoded as in Canonical: what a tool that rewrites a line (split, fix)
// writes back.
func Compact(dst []byte, v *Value) []byte { return appendValue(dst, v, false) }

func appendValue(dst []byte, v *Value, sorted bool) []byte {
	switch v.Kind {
	case Null:
		return append(dst, "null"...)
	case Bool:
		if v.Bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Number:
		return append(dst, v.Num...)
	case String:
		return AppendString(dst, v.Str)
	case Array:
		dst = append(dst, '[')
		for i, e := range v.Elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendValue(dst, e, sorted)
		}
		return append(dst, ']')
	case Object:
		dst = append(dst, '{')
		if !sorted {
			for i := range v.Members {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendMember(dst, &v.Members[i], false)
			}
			return append(dst, '}')
		}
		var small [16]int32
		for i, k := range memberOrder(small[:0], v.Members) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendMember(dst, &v.Members[k], true)
		}
		return append(dst, '}')
	}
	return dst
}

func appendMember(dst []byte, m *Member, sorted bool) []byte {
	dst = AppendString(dst, m.Key)
	dst = append(dst, ':')
	return appendValue(dst, m.Value, sorted)
}

// memberOrder appends to idx the indices of ms sorted by key, stably.
func memberOrder(idx []int32, ms []Member) []int32 {
	for i := range ms {
		idx = append(idx, int32(i))
	}
	if len(ms) <= 16 {
		for i := 1; i < len(idx); i++ { // insertion sort: stable, no allocation
			for j := i; j > 0 && ms[idx[j-1]].Key > ms[idx[j]].Key; j-- {
				idx[j-1], idx[j] = idx[j], idx[j-1]
			}
		}
		return idx
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return strings.Compare(ms[a].Key, ms[b].Key) })
	return idx
}

const hexDigits = "0123456789abcdef"

// AppendString appends s to dst as a JSON string, escaping only '"', '\\' and
// control characters (as \" \\ \b \f \n \r \t or \u00XX); invalid UTF-8
// is written as U+FFFD.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	b := unsafe.Slice(unsafe.StringData(s), len(s)) // read only
	start := 0
	for i := 0; i < len(s); {
		if i = plainEnd(b, i); i == len(s) {
			break
		}
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size > 1 {
				i += size
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			} else {
				dst = append(dst, "\uFFFD"...)
			}
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
