// Package jsonl reads JSON Lines of any length and parses each line strictly
// (RFC 8259 and UTF-8), keeping the byte offset of every value so findings can
// point at a column and an RFC 6901 pointer.
//
//   - Reader splits an input into Lines (Next, or NextBatch for batches that
//     can go to worker goroutines), with no line length limit.
//   - Parse and Parser.Parse turn a line into a Value tree or a SyntaxError
//     with the exact byte offset; a Parser per worker reuses its memory.
//   - Canonical writes a key-order- and whitespace-independent form of a
//     Value, for finding duplicate examples; Compact writes a Value back as
//     compact JSON in input order; AppendString quotes a string.
//   - Pointer, PointerIndex and PointerToken build RFC 6901 pointers.
package jsonl

import (
	"strconv"
	"strings"
)

// Kind is the JSON type of a Value.
type Kind uint8

// JSON kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}

// String names the kind as JSON Schema does ("string", "object", ...).
func (k Kind) String() string { return kindNames[k] }

// Value is one parsed JSON value with its position in the line.
//
// The strings of a parsed tree (Str, Num, Member.Key) point into memory that
// is never modified: a private copy of the line (or, with Parser.AliasLine,
// the line itself) and, for strings with escapes, a shared slab of decoded
// text. They stay valid forever, but keeping one keeps that memory alive: use
// strings.Clone to keep a small piece of a huge line.
type Value struct {
	Kind Kind
	Bool bool // Kind == Bool
	// LoneSurrogate is set on a String whose escapes held an unpaired UTF-16
	// surrogate (\ud800): valid JSON syntax, but not valid Unicode text. Str
	// holds U+FFFD in its place.
	LoneSurrogate bool
	Offset        int      // byte offset of the value's first byte in the line
	Num           string   // Kind == Number: the literal as written
	Str           string   // Kind == String: the decoded string
	Elems         []*Value // Kind == Array
	Members       []Member // Kind == Object, in input order, duplicates kept
}

// Member is one key/value pair of an object.
type Member struct {
	Key       string
	KeyOffset int // byte offset of the key's opening quote
	Value     *Value
}

// Get returns the value of the first member named key, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := range v.Members {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// SyntaxError is a line that is not strict JSON or not UTF-8.
type SyntaxError struct {
	Offset int    // byte offset in the line where the problem is
	UTF8   bool   // the problem is invalid UTF-8 (rule utf8-invalid) rather than JSON syntax
	Msg    string // what is wrong, e.g. "invalid escape '\\q' in string"
}

func (e *SyntaxError) Error() string { return e.Msg }

// Pointer returns the RFC 6901 pointer of the member key inside the value at
// parent: Pointer("/messages/0", "content") is "/messages/0/content".
func Pointer(parent, key string) string { return parent + "/" + PointerToken(key) }

// PointerIndex returns the RFC 6901 pointer of element i of the array at
// parent: PointerIndex("/messages", 2) is "/messages/2".
func PointerIndex(parent string, i int) string { return parent + "/" + strconv.Itoa(i) }

// PointerToken escapes one reference token for an RFC 6901 pointer (~ → ~0, / → ~1).
func PointerToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
