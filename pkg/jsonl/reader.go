package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// Line is one physical line of the input.
type Line struct {
	Number int    // 1-based physical line number (the BOM is not a line)
	Offset int64  // byte offset of the line's first byte in the input (BOM bytes count)
	Data   []byte // the line without its line ending ("\n" or "\r\n")
	CR     bool   // the line ended in "\r\n"
	NoEOL  bool   // the last line, without a final newline
}

// Reader reads lines of any length (no bufio.Scanner token limit).
// Placeholder; the jsonl area replaces it with a batching reader (issue 2).
type Reader struct {
	br     *bufio.Reader
	n      int
	off    int64
	bom    bool
	primed bool
}

// NewReader reads r; a UTF-8 byte-order mark at the start is skipped and recorded.
func NewReader(r io.Reader) *Reader { return &Reader{br: bufio.NewReaderSize(r, 1<<20)} }

// BOM reports whether the input started with a UTF-8 byte-order mark (valid after the first Next).
func (r *Reader) BOM() bool { return r.bom }

// Next returns the next line; Data is a fresh copy the caller may keep. At the end it returns io.EOF.
func (r *Reader) Next() (Line, error) {
	if !r.primed {
		r.primed = true
		if b, _ := r.br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
			_, _ = r.br.Discard(3)
			r.bom, r.off = true, 3
		}
	}
	data, err := r.br.ReadBytes('\n')
	if len(data) == 0 && errors.Is(err, io.EOF) {
		return Line{}, io.EOF
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return Line{}, err
	}
	r.n++
	l := Line{Number: r.n, Offset: r.off}
	r.off += int64(len(data))
	if n := len(data); n > 0 && data[n-1] == '\n' {
		data = data[:n-1]
		if n := len(data); n > 0 && data[n-1] == '\r' {
			data, l.CR = data[:n-1], true
		}
	} else {
		l.NoEOL = true
	}
	l.Data = data
	return l, nil
}
