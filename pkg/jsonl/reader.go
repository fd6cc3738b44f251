package jsonl

import (
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

// Reader splits an input into lines of any length (there is no line length
// limit, unlike bufio.Scanner): memory grows to the longest line, not to the
// input. Lines end at "\n"; a "\r" before it is dropped and recorded in CR.
// An input ending without "\n" yields a last line with NoEOL; an empty input
// yields no lines, and so does an input that is only a BOM.
type Reader struct {
	src    io.Reader
	buf    []byte // len(buf) == cap(buf); unread input is buf[r:w]
	r, w   int
	off    int64 // input offset of buf[r]
	n      int   // lines returned so far
	err    error // sticky: the reader's error, io.EOF at the end
	bom    bool
	primed bool
	shared bool // lines handed out by NextBatch point into buf: never write below w
}

const (
	startBuf  = 64 << 10 // Next's first buffer
	batchSize = 1 << 20  // NextBatch's default maxBytes
	maxShrink = 8 << 20  // Next drops a buffer grown beyond this once the long line is gone
)

// NewReader reads r; a UTF-8 byte-order mark at the start is skipped and recorded.
func NewReader(r io.Reader) *Reader { return &Reader{src: r} }

// BOM reports whether the input started with a UTF-8 byte-order mark (valid
// after the first Next or NextBatch).
func (r *Reader) BOM() bool { return r.bom }

// Offset is the input offset just after the last line returned (BOM bytes
// count); once Next or NextBatch has returned io.EOF it is the input's size.
func (r *Reader) Offset() int64 { return r.off }

var bom = []byte{0xEF, 0xBB, 0xBF}

func (r *Reader) prime() {
	if r.primed {
		return
	}
	r.primed = true
	r.buf = make([]byte, startBuf)
	for r.w < len(bom) && r.err == nil {
		r.read()
	}
	if bytes.HasPrefix(r.buf[:r.w], bom) {
		r.bom, r.r, r.off = true, len(bom), int64(len(bom))
	}
}

// read calls the source once into buf[w:], which must not be empty.
func (r *Reader) read() {
	for range 100 {
		n, err := r.src.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			r.err = errors.New("jsonl: source returned an invalid count from Read")
			return
		}
		r.w += n
		if err != nil {
			r.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.err = io.ErrNoProgress
}

// move copies the unread bytes to the start of a buffer of the given size
// (a fresh one when the current one is shared or too small).
func (r *Reader) move(size int) {
	if r.shared || size != len(r.buf) {
		nb := make([]byte, size)
		r.w = copy(nb, r.buf[r.r:r.w])
		r.buf, r.r, r.shared = nb, 0, false
		return
	}
	r.w = copy(r.buf, r.buf[r.r:r.w])
	r.r = 0
}

// cut returns the line buf[r:end] (end is the index of its '\n', or w for a
// last line without one) and consumes it.
func (r *Reader) cut(end int, eol bool) Line {
	data := r.buf[r.r:end:end]
	r.n++
	l := Line{Number: r.n, Offset: r.off, NoEOL: !eol}
	if eol {
		end++
		if n := len(data); n > 0 && data[n-1] == '\r' {
			data, l.CR = data[:n-1:n-1], true
		}
	}
	r.off += int64(end - r.r)
	r.r = end
	l.Data = data
	return l
}

// finish returns the input's last line when it has no final newline: only at
// io.EOF (any other error means the line may be cut short).
func (r *Reader) finish() (Line, bool) {
	if r.r < r.w && errors.Is(r.err, io.EOF) {
		return r.cut(r.w, false), true
	}
	return Line{}, false
}

// Next returns the next line; Data is a fresh copy the caller may keep. At the
// end it returns io.EOF; a read error is returned once the lines read before
// it have been returned.
func (r *Reader) Next() (Line, error) {
	r.prime()
	scanned := 0 // bytes after buf[r] known to hold no '\n'
	for {
		if i := bytes.IndexByte(r.buf[r.r+scanned:r.w], '\n'); i >= 0 {
			l := r.cut(r.r+scanned+i, true)
			l.Data = bytes.Clone(l.Data)
			return l, nil
		}
		scanned = r.w - r.r
		if r.err != nil {
			if l, ok := r.finish(); ok {
				l.Data = bytes.Clone(l.Data)
				return l, nil
			}
			return Line{}, r.err
		}
		switch unread := r.w - r.r; {
		case len(r.buf) > maxShrink && unread < startBuf/2:
			r.move(startBuf)
		case r.w == len(r.buf) && unread > len(r.buf)/2:
			r.move(2 * len(r.buf))
		case r.w == len(r.buf) || r.shared:
			r.move(len(r.buf))
		}
		r.read()
	}
}

// NextBatch returns up to maxLines lines holding about maxBytes bytes of
// input (at least one line, however long), or nil and io.EOF at the end. The
// lines' Data are in buffers the Reader never writes again, so a batch can be
// handed to another goroutine; each buffer is filled once, and only a line
// cut by the end of a buffer is copied. maxLines <= 0 means no line limit;
// maxBytes <= 0 means 1 MiB.
func (r *Reader) NextBatch(maxLines, maxBytes int) ([]Line, error) {
	if maxBytes <= 0 {
		maxBytes = batchSize
	}
	r.prime()
	// From here on, lines handed out point into buf: never write below w.
	r.shared = true
	var lines []Line
	size, scanned := 0, 0
	for {
		if i := bytes.IndexByte(r.buf[r.r+scanned:r.w], '\n'); i >= 0 {
			start := r.r
			lines = append(lines, r.cut(r.r+scanned+i, true))
			size += r.r - start
			scanned = 0
			if len(lines) == maxLines || size >= maxBytes {
				break
			}
			continue
		}
		scanned = r.w - r.r
		if r.err != nil {
			if l, ok := r.finish(); ok {
				lines = append(lines, l)
			}
			break
		}
		if r.w == len(r.buf) {
			// A new buffer for the rest of the input: the partial line
			// (grown when it fills more than half of it), then fresh reads.
			n := max(maxBytes, 4096)
			if unread := r.w - r.r; unread > n/2 {
				n = 2 * unread
			}
			r.move(n)
			r.shared = true
		}
		r.read()
	}
	if len(lines) == 0 {
		return nil, r.err
	}
	return lines, nil
}
