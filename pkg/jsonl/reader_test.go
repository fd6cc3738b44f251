package jsonl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

type wantLine struct {
	data      string
	off       int64
	cr, noEOL bool
}

func readAllNext(t *testing.T, r *Reader) ([]Line, error) {
	t.Helper()
	var out []Line
	for {
		l, err := r.Next()
		if err != nil {
			return out, err
		}
		out = append(out, l)
	}
}

func readAllBatches(t *testing.T, r *Reader, maxLines, maxBytes int) ([]Line, error) {
	t.Helper()
	var out []Line
	for {
		b, err := r.NextBatch(maxLines, maxBytes)
		if err != nil {
			if b != nil {
				t.Errorf("NextBatch returned lines with error %v", err)
			}
			return out, err
		}
		if len(b) == 0 {
			t.Fatal("NextBatch returned no lines and no error")
		}
		if maxLines > 0 && len(b) > maxLines {
			t.Fatalf("batch of %d lines, max %d", len(b), maxLines)
		}
		out = append(out, b...)
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		bom  bool
		want []wantLine
	}{
		{"empty input", "", false, nil},
		{"BOM only", "\uFEFF", true, nil},
		{"partial BOM", "\xEF\xBB", false, []wantLine{{"\xEF\xBB", 0, false, true}}},
		{"one newline", "\n", false, []wantLine{{"", 0, false, false}}},
		{"BOM then lines", "\uFEFF{}\n[]\n", true, []wantLine{{"{}", 3, false, false}, {"[]", 6, false, false}}},
		{"no final newline", "a\nbc", false, []wantLine{{"a", 0, false, false}, {"bc", 2, false, true}}},
		{"CRLF", "a\r\n\r\nb\r\n", false, []wantLine{{"a", 0, true, false}, {"", 3, true, false}, {"b", 5, true, false}}},
		{"CR without LF at end", "a\r", false, []wantLine{{"a\r", 0, false, true}}},
		{"lone CR inside", "a\rb\n", false, []wantLine{{"a\rb", 0, false, false}}},
		{"blank lines", "\n\n{}\n", false, []wantLine{{"", 0, false, false}, {"", 1, false, false}, {"{}", 2, false, false}}},
		{"BOM later is data", "x\n\uFEFF\n", false, []wantLine{{"x", 0, false, false}, {"\uFEFF", 2, false, false}}},
	}
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"data+EOF": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
	}
	for _, tt := range tests {
		for rname, mk := range readers {
			for _, mode := range []string{"Next", "NextBatch(1,0)", "NextBatch(0,1)", "NextBatch(0,0)"} {
				t.Run(tt.name+"/"+rname+"/"+mode, func(t *testing.T) {
					r := NewReader(mk(tt.in))
					var got []Line
					var err error
					switch mode {
					case "Next":
						got, err = readAllNext(t, r)
					case "NextBatch(1,0)":
						got, err = readAllBatches(t, r, 1, 0)
					case "NextBatch(0,1)":
						got, err = readAllBatches(t, r, 0, 1)
					default:
						got, err = readAllBatches(t, r, 0, 0)
					}
					if err != io.EOF {
						t.Fatalf("err = %v, want io.EOF", err)
					}
					if r.BOM() != tt.bom {
						t.Errorf("BOM() = %v", r.BOM())
					}
					if r.Offset() != int64(len(tt.in)) {
						t.Errorf("Offset() = %d at the end, want %d", r.Offset(), len(tt.in))
					}
					if len(got) != len(tt.want) {
						t.Fatalf("got %d lines %+v, want %d", len(got), got, len(tt.want))
					}
					for i, w := range tt.want {
						g := got[i]
						if string(g.Data) != w.data || g.Offset != w.off || g.CR != w.cr || g.NoEOL != w.noEOL || g.Number != i+1 {
							t.Errorf("line %d = {%q off %d cr %v noEOL %v n %d}, want {%q off %d cr %v noEOL %v}",
								i+1, g.Data, g.Offset, g.CR, g.NoEOL, g.Number, w.data, w.off, w.cr, w.noEOL)
						}
					}
				})
			}
		}
	}
}

// Batches must be independent: changing or appending to one batch's lines
// must not affect later batches, and the reader must not reuse their memory.
func TestNextBatchIndependent(t *testing.T) {
	var in strings.Builder
	for i := range 5000 {
		in.WriteString(strings.Repeat(string(rune('a'+i%26)), i%300))
		in.WriteString("\n")
	}
	r := NewReader(iotest.HalfReader(strings.NewReader(in.String())))
	var all [][]Line
	for {
		b, err := r.NextBatch(100, 4096)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b)
		for _, l := range b {
			_ = append(l.Data, '!') // must not write into the next line (cap is limited)
		}
	}
	n := 0
	for _, b := range all {
		for _, l := range b {
			want := strings.Repeat(string(rune('a'+n%26)), n%300)
			if string(l.Data) != want || l.Number != n+1 {
				t.Fatalf("line %d = %q (number %d), want %q", n+1, l.Data, l.Number, want)
			}
			n++
		}
	}
	if n != 5000 {
		t.Fatalf("%d lines, want 5000", n)
	}
}

func TestReaderMixedNextAndBatch(t *testing.T) {
	r := NewReader(strings.NewReader("1\n22\n333\n4444\n55555"))
	l, _ := r.Next()
	b, _ := r.NextBatch(2, 0)
	l2, _ := r.Next()
	b2, _ := r.NextBatch(0, 0)
	got := []string{string(l.Data), string(b[0].Data), string(b[1].Data), string(l2.Data), string(b2[0].Data)}
	if strings.Join(got, ",") != "1,22,333,4444,55555" || !b2[0].NoEOL {
		t.Fatalf("got %q", got)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("err = %v", err)
	}
}

// hugeLine generates a line of n bytes (a JSON string) followed by "\n{}\n"
// without holding it in memory.
type hugeLine struct{ n, pos int }

var alphabet = []byte(strings.Repeat("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2000))

func (h *hugeLine) Read(p []byte) (int, error) {
	total := h.n + 4
	if h.pos >= total {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && h.pos < total {
		switch {
		case h.pos == 0 || h.pos == h.n-1:
			p[k] = '"'
		case h.pos < h.n-1:
			c := copy(p[k:min(len(p), k+h.n-1-h.pos)], alphabet[h.pos%26:])
			k += c
			h.pos += c
			continue
		default:
			p[k] = "\n{}\n"[h.pos-h.n]
		}
		k++
		h.pos++
	}
	return k, nil
}

func TestReaderHugeLine(t *testing.T) {
	// 200 MB through NextBatch (what validate uses); Next shares the growth code.
	big := 200 << 20
	if testing.Short() || raceEnabled {
		big = 24 << 20
	}
	for _, mode := range []string{"Next", "NextBatch"} {
		n := big
		if mode == "Next" {
			n = 24 << 20
		}
		t.Run(mode, func(t *testing.T) {
			r := NewReader(&hugeLine{n: n})
			var lines []Line
			var err error
			if mode == "Next" {
				lines, err = readAllNext(t, r)
			} else {
				lines, err = readAllBatches(t, r, 0, 1<<20)
			}
			if err != io.EOF {
				t.Fatal(err)
			}
			if len(lines) != 2 || len(lines[0].Data) != n || string(lines[1].Data) != "{}" || lines[1].Offset != int64(n+1) {
				t.Fatalf("got %d lines", len(lines))
			}
			d := lines[0].Data
			if d[0] != '"' || d[n-1] != '"' || d[12345] != 'A'+byte(12345%26) {
				t.Fatal("line content differs")
			}
			if mode == "NextBatch" {
				v, perr := Parse(d)
				if perr != nil || len(v.Str) != n-2 {
					t.Fatalf("parse of the huge line: %v", perr)
				}
			}
		})
	}
}

func TestReaderError(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader("a\nb\npartial"), iotest.ErrReader(boom))
	for _, batch := range []bool{false, true} {
		r := NewReader(iotest.OneByteReader(src))
		if batch {
			src = io.MultiReader(strings.NewReader("a\nb\npartial"), iotest.ErrReader(boom))
			r = NewReader(src)
		}
		var got []string
		var err error
		for err == nil {
			if batch {
				var b []Line
				b, err = r.NextBatch(0, 0)
				for _, l := range b {
					got = append(got, string(l.Data))
				}
			} else {
				var l Line
				if l, err = r.Next(); err == nil {
					got = append(got, string(l.Data))
				}
			}
		}
		// The partial line before a read error is not a line: it may be cut short.
		if !errors.Is(err, boom) || strings.Join(got, ",") != "a,b" {
			t.Errorf("batch=%v: lines %q, err %v", batch, got, err)
		}
	}
}

func TestReaderNoProgress(t *testing.T) {
	r := NewReader(zeroReader{})
	if _, err := r.Next(); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("err = %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// The reader's buffer shrinks back after a long line.
func TestReaderShrinks(t *testing.T) {
	in := strings.Repeat("x", 20<<20) + "\n" + strings.Repeat("short\n", 100000)
	r := NewReader(strings.NewReader(in))
	for {
		if _, err := r.Next(); err != nil {
			break
		}
	}
	if len(r.buf) > maxShrink {
		t.Errorf("buffer still %d bytes", len(r.buf))
	}
}

// FuzzReader: Next and NextBatch (any limits, any read sizes) split the input
// exactly as splitting on "\n" does, with the documented CR, NoEOL, BOM and
// Offset rules.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"", "\uFEFF", "\uFEFFa\r\nb", "a\n\nb\n", "\r\n\r", "\xEF\xBB\n"} {
		f.Add([]byte(s), uint8(0), uint16(0), uint8(0))
	}
	f.Fuzz(func(t *testing.T, in []byte, maxLines uint8, maxBytes uint16, chunk uint8) {
		want, bom := referenceSplit(in)
		src := func() io.Reader {
			if chunk == 0 {
				return bytes.NewReader(in)
			}
			return &chunkReader{b: in, n: int(chunk)}
		}
		next, err := readAllNext(t, NewReader(src()))
		if err != io.EOF {
			t.Fatal(err)
		}
		r := NewReader(src())
		batched, err := readAllBatches(t, r, int(maxLines), int(maxBytes))
		if err != io.EOF {
			t.Fatal(err)
		}
		if r.BOM() != bom || r.Offset() != int64(len(in)) {
			t.Fatalf("BOM %v Offset %d, want %v %d", r.BOM(), r.Offset(), bom, len(in))
		}
		for _, got := range [][]Line{next, batched} {
			if len(got) != len(want) {
				t.Fatalf("%d lines, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.Number != w.Number || g.Offset != w.Offset || !bytes.Equal(g.Data, w.Data) || g.CR != w.CR || g.NoEOL != w.NoEOL {
					t.Fatalf("line %d: %+v, want %+v", i+1, g, w)
				}
			}
		}
	})
}

func referenceSplit(in []byte) ([]Line, bool) {
	var off int64
	bom := bytes.HasPrefix(in, []byte("\uFEFF"))
	if bom {
		in, off = in[3:], 3
	}
	var out []Line
	for n := 1; len(in) > 0; n++ {
		l := Line{Number: n, Offset: off}
		i := bytes.IndexByte(in, '\n')
		if i < 0 {
			l.Data, l.NoEOL = in, true
			out = append(out, l)
			break
		}
		l.Data = in[:i]
		if d, ok := bytes.CutSuffix(l.Data, []byte("\r")); ok {
			l.Data, l.CR = d, true
		}
		out = append(out, l)
		in, off = in[i+1:], off+int64(i+1)
	}
	return out, bom
}

type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[k:]
	return k, nil
}

// Workers parse batches while the reader reads on: under -race this fails if
// the reader writes memory a handed-out line uses.
func TestNextBatchConcurrent(t *testing.T) {
	var in strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&in, `{"n":%d,"s":"%s"}`+"\n", i, strings.Repeat("x", i%97))
	}
	r := NewReader(iotest.HalfReader(strings.NewReader(in.String())))
	batches := make(chan []Line, 4)
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 3 {
		wg.Go(func() {
			p := Parser{AliasLine: true}
			for b := range batches {
				for _, l := range b {
					v, err := p.Parse(l.Data)
					if err != nil || v.Get("n").Num != strconv.Itoa(l.Number-1) || len(v.Get("s").Str) != (l.Number-1)%97 {
						bad.Add(1)
					}
				}
			}
		})
	}
	for {
		b, err := r.NextBatch(7, 2048) // small batches: lines often span buffers
		if err != nil {
			break
		}
		batches <- b
	}
	close(batches)
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d lines parsed wrong", bad.Load())
	}
}
