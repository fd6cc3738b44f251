// Package fix makes mechanical, reported repairs to fine-tuning JSONL: the
// byte-order mark, CRLF line endings, blank lines, a whole-file JSON array or
// pretty-printed JSON turned into JSONL, legacy prompt/completion lines turned
// into chat messages, and (with DropInvalid) lines that still fail validation
// moved to a rejects file. Outputs are written atomically.
package fix

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ftprep/ftprep/pkg/atomicfile"
	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/validate"
)

// Options choose the repairs. The zero value fixes line endings, blank lines and
// JSON layout, and sets the BOM Azure wants.
type Options struct {
	Target               string      // "azure" (default) or "openai": decides the default BOM and validation
	BOM                  string      // "add", "remove", "keep" or "" (= add for azure, remove for openai)
	FromPromptCompletion bool        // convert {"prompt","completion"} lines to chat messages
	System               string      // with FromPromptCompletion: a system message to put first ("" = none)
	DropInvalid          bool        // move lines that still fail validation to Rejects (File only)
	Rejects              string      // where dropped lines go (required with DropInvalid)
	Model, Method        string      // passed to validation (DropInvalid)
	Perm                 os.FileMode // permissions of the output (0 = 0644)
}

// Repair names one kind of change and how often it was made.
type Repair struct {
	Name  string `json:"name"`  // e.g. "crlf", "blank-lines", "json-array"
	Count int    `json:"count"` // lines (or records) changed
	What  string `json:"what"`  // one line for humans
}

// Report says what Fix changed.
type Report struct {
	Output   string   `json:"output"`
	LinesIn  int      `json:"lines_in"`  // physical input lines (records for JSON input)
	LinesOut int      `json:"lines_out"` // lines written to the output
	Repairs  []Repair `json:"repairs"`   // empty when the input needed nothing
	// Rejected lists the input line numbers (record numbers for JSON-array or
	// pretty-printed input) of the lines moved to Rejects.
	Rejected []int  `json:"rejected"`
	Rejects  string `json:"rejects,omitempty"`
	hadBOM   bool
}

// Changed reports whether any repair was made.
func (r *Report) Changed() bool { return len(r.Repairs) > 0 }

var bom = []byte{0xEF, 0xBB, 0xBF}

// counts accumulates repairs in a fixed order.
type counts struct {
	bomAdded, bomRemoved, crlf, blank, finalNL, strayBOM, jsonArray, pretty, promptCompletion, pcSkipped int
}

func (c *counts) repairs() []Repair {
	var r []Repair
	add := func(name string, n int, what string) {
		if n > 0 {
			r = append(r, Repair{Name: name, Count: n, What: fmt.Sprintf(what, n)})
		}
	}
	add("bom-added", c.bomAdded, "added a UTF-8 byte-order mark (%d)")
	add("bom-removed", c.bomRemoved, "removed the UTF-8 byte-order mark (%d)")
	add("stray-bom", c.strayBOM, "removed %d byte-order mark(s) at the start of a line (concatenated files)")
	add("json-array", c.jsonArray, "converted a whole-file JSON array to JSONL (%d records)")
	add("pretty-json", c.pretty, "converted pretty-printed JSON to JSONL (%d records)")
	add("crlf", c.crlf, "converted %d CRLF line ending(s) to LF")
	add("blank-lines", c.blank, "dropped %d blank line(s)")
	add("final-newline", c.finalNL, "added the missing final newline (%d)")
	add("prompt-completion", c.promptCompletion, "converted %d prompt/completion line(s) to chat messages")
	add("prompt-completion-skipped", c.pcSkipped, "left %d prompt/completion-like line(s) alone (extra keys or non-string values)")
	return r
}

func (o *Options) normalise() error {
	if o.Target == "" {
		o.Target = "azure"
	}
	if o.Target != "azure" && o.Target != "openai" {
		return fmt.Errorf("fix: unknown target %q (azure or openai)", o.Target)
	}
	switch o.BOM {
	case "":
		o.BOM = map[string]string{"azure": "add", "openai": "remove"}[o.Target]
	case "add", "remove", "keep":
	default:
		return fmt.Errorf("fix: --bom must be add, remove or keep, not %q", o.BOM)
	}
	if o.Perm == 0 {
		o.Perm = 0o644
	}
	return nil
}

// Run repairs r into w and reports what it changed. DropInvalid needs File.
func Run(ctx context.Context, r io.Reader, w io.Writer, o Options) (*Report, error) {
	if err := o.normalise(); err != nil {
		return nil, err
	}
	if o.DropInvalid {
		return nil, errors.New("fix: dropping invalid lines needs an output file")
	}
	rep := &Report{Repairs: []Repair{}, Rejected: []int{}}
	bw := bufio.NewWriterSize(w, 1<<20)
	var c counts
	if err := transform(ctx, r, bw, o, true, &c, rep, nil); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	rep.Repairs = c.repairs()
	return rep, nil
}

// File repairs r into the file out, written atomically (out may be the input's
// own path: nothing is replaced until the repaired file is complete). With
// DropInvalid, the repaired lines that fail validation go to o.Rejects, and
// out and Rejects are replaced together or not at all.
func File(ctx context.Context, r io.Reader, out string, o Options) (rep *Report, err error) {
	if err := o.normalise(); err != nil {
		return nil, err
	}
	if o.DropInvalid && o.Rejects == "" {
		return nil, errors.New("fix: dropping invalid lines needs a rejects path")
	}
	rep = &Report{Output: out, Repairs: []Repair{}, Rejected: []int{}}
	af, err := atomicfile.Create(out, o.Perm)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			af.Abort()
		}
	}()
	var c counts
	if !o.DropInvalid {
		bw := bufio.NewWriterSize(af, 1<<20)
		if err := transform(ctx, r, bw, o, true, &c, rep, nil); err != nil {
			return nil, err
		}
		if err := bw.Flush(); err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", out, err)
		}
		if err := af.Commit(); err != nil {
			return nil, err
		}
		rep.Repairs = c.repairs()
		return rep, nil
	}

	// Pass 1: repair into a scratch file next to the output (no BOM, so any
	// validator reads it), remembering where each line came from.
	scratch, err := atomicfile.Create(out+".fix", 0o600)
	if err != nil {
		return nil, err
	}
	defer scratch.Abort()
	var origin []uint32
	bw := bufio.NewWriterSize(scratch, 1<<20)
	if err := transform(ctx, r, bw, o, false, &c, rep, &origin); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", out, err)
	}
	// Pass 2: validate the repaired lines.
	var bad []int
	vo := validate.Options{Target: o.Target, Model: o.Model, Method: o.Method, NoTokens: true,
		OnLine: func(l validate.Line) {
			if !l.Blank && l.Errors > 0 {
				bad = append(bad, l.Number)
			}
		}}
	if _, err := validate.ValidateFile(ctx, scratch.TempName(), vo); err != nil {
		return nil, err
	}
	// Pass 3: copy the good lines to out and the bad ones to rejects.
	rj, err := atomicfile.Create(o.Rejects, 0o644)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			rj.Abort()
		}
	}()
	sf, err := os.Open(scratch.TempName())
	if err != nil {
		return nil, err
	}
	defer sf.Close()
	ow, rw := bufio.NewWriterSize(af, 1<<20), bufio.NewWriterSize(rj, 1<<16)
	if o.BOM == "add" || (o.BOM == "keep" && rep.hadBOM) {
		ow.Write(bom)
	}
	br := bufio.NewReaderSize(sf, 1<<20)
	rep.LinesOut = 0
	for n, b := 1, 0; ; n++ {
		line, rerr := br.ReadSlice('\n')
		for errors.Is(rerr, bufio.ErrBufferFull) {
			var more []byte
			more, rerr = br.ReadSlice('\n')
			line = append(append([]byte(nil), line...), more...)
		}
		if len(line) == 0 && errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return nil, rerr
		}
		if b < len(bad) && bad[b] == n {
			b++
			rw.Write(line)
			if n-1 < len(origin) {
				rep.Rejected = append(rep.Rejected, int(origin[n-1]))
			}
		} else {
			ow.Write(line)
			rep.LinesOut++
		}
	}
	if err := ow.Flush(); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", out, err)
	}
	if err := rw.Flush(); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", o.Rejects, err)
	}
	if err := atomicfile.CommitAll(af, rj); err != nil {
		return nil, err
	}
	rep.Rejects = o.Rejects
	rep.Repairs = c.repairs()
	return rep, nil
}

// transform does the repairs. writeBOM false leaves the BOM to the caller
// (the counts still say whether one is added or removed).
func transform(ctx context.Context, r io.Reader, w *bufio.Writer, o Options, writeBOM bool, c *counts, rep *Report, origin *[]uint32) error {
	br := bufio.NewReaderSize(r, 1<<20)
	if b, _ := br.Peek(3); bytes.Equal(b, bom) {
		br.Discard(3)
		rep.hadBOM = true
	}
	wantBOM := o.BOM == "add" || (o.BOM == "keep" && rep.hadBOM)
	switch {
	case wantBOM && !rep.hadBOM:
		c.bomAdded = 1
	case !wantBOM && rep.hadBOM:
		c.bomRemoved = 1
	}
	if wantBOM && writeBOM {
		w.Write(bom)
	}

	// Read up to the first non-blank line to choose line mode or JSON mode.
	var head bytes.Buffer
	var first []byte
	for {
		l, err := br.ReadBytes('\n')
		head.Write(l)
		if t := bytes.TrimSpace(l); len(t) > 0 {
			first = t
			break
		}
		if err != nil {
			break
		}
	}
	rest := io.MultiReader(bytes.NewReader(head.Bytes()), br)
	emit := func(rec []byte, src int) error {
		rec = c.convert(rec, o)
		if origin != nil {
			*origin = append(*origin, uint32(src))
		}
		rep.LinesOut++
		if _, err := w.Write(rec); err != nil {
			return err
		}
		return w.WriteByte('\n')
	}
	switch {
	case len(first) > 0 && first[0] == '[':
		return c.jsonMode(ctx, rest, true, rep, emit)
	case len(first) > 0 && first[0] == '{' && !json.Valid(first):
		// Maybe pretty-printed: decode the first value from a recording reader;
		// if it is not a multi-line object, replay everything as lines.
		rec := &recorder{r: rest}
		d := json.NewDecoder(rec)
		var raw json.RawMessage
		if err := d.Decode(&raw); err == nil && bytes.ContainsAny(raw, "\n") {
			return c.jsonModeFrom(ctx, d, raw, rep, emit)
		}
		// Replay what the guess read, then whatever it left unread of rest (part of
		// head may be among it: the decoder reads in chunks).
		rest = io.MultiReader(bytes.NewReader(rec.buf.Bytes()), rest)
	}
	return c.lineMode(ctx, rest, rep, emit)
}

// recorder keeps every byte read through it (to replay a failed guess).
type recorder struct {
	r   io.Reader
	buf bytes.Buffer
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf.Write(p[:n])
	return n, err
}

func (c *counts) lineMode(ctx context.Context, r io.Reader, rep *Report, emit func([]byte, int) error) error {
	lr := jsonl.NewReader(r)
	for {
		l, err := lr.Next()
		if errors.Is(err, io.EOF) {
			if lr.BOM() {
				c.strayBOM++
			}
			return nil
		}
		if err != nil {
			return err
		}
		if l.Number%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rep.LinesIn++
		d := l.Data
		if n := len(bytes.TrimRight(d, "\r")); n < len(d) {
			// More CRs before the line end ("\r\r\n"), or a CRLF cut after its CR at
			// the end of the input: all line-ending residue, outside any JSON value.
			d, l.CR = d[:n], true
		}
		if l.CR {
			c.crlf++
		}
		if bytes.HasPrefix(d, bom) {
			d = d[3:]
			c.strayBOM++
		}
		if len(bytes.TrimSpace(d)) == 0 {
			c.blank++
			continue
		}
		if l.NoEOL {
			c.finalNL++
		}
		if err := emit(d, l.Number); err != nil {
			return err
		}
	}
}

func (c *counts) jsonMode(ctx context.Context, r io.Reader, array bool, rep *Report, emit func([]byte, int) error) error {
	d := json.NewDecoder(r)
	if _, err := d.Token(); err != nil { // the opening [
		return fmt.Errorf("the input starts like a JSON array but is not one: %v", err)
	}
	var buf bytes.Buffer
	for n := 1; d.More(); n++ {
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return fmt.Errorf("JSON array element %d (byte %d): %v; nothing converted", n, d.InputOffset(), err)
		}
		if raw[0] != '{' { // Decode trims whitespace: raw starts with the value
			return fmt.Errorf("JSON array element %d (byte %d) is not an object, so this is not an array of examples; nothing converted", n, d.InputOffset())
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		buf.Reset()
		json.Compact(&buf, raw)
		rep.LinesIn++
		c.jsonArray++
		if err := emit(buf.Bytes(), n); err != nil {
			return err
		}
	}
	if _, err := d.Token(); err != nil { // the closing ]
		return fmt.Errorf("the JSON array is not closed: %v", err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("data after the JSON array at byte %d; nothing converted", d.InputOffset())
	}
	return nil
}

func (c *counts) jsonModeFrom(ctx context.Context, d *json.Decoder, first json.RawMessage, rep *Report, emit func([]byte, int) error) error {
	var buf bytes.Buffer
	raw := first
	for n := 1; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		buf.Reset()
		json.Compact(&buf, raw)
		rep.LinesIn++
		c.pretty++
		if err := emit(buf.Bytes(), n); err != nil {
			return err
		}
		raw = nil
		if err := d.Decode(&raw); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("pretty-printed JSON record %d (byte %d): %v; nothing converted", n+1, d.InputOffset(), err)
		}
	}
}

type chatMsg struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// convert turns a legacy {"prompt","completion"} line into chat messages when asked.
func (c *counts) convert(rec []byte, o Options) []byte {
	if !o.FromPromptCompletion || !bytes.Contains(rec, []byte(`"prompt"`)) {
		return rec
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(rec, &m) != nil {
		return rec
	}
	p, okp := m["prompt"]
	comp, okc := m["completion"]
	if !okp || !okc {
		return rec
	}
	var ps, cs string
	if len(m) != 2 || json.Unmarshal(p, &ps) != nil || json.Unmarshal(comp, &cs) != nil {
		c.pcSkipped++
		return rec
	}
	var msgs []chatMsg
	if o.System != "" {
		msgs = append(msgs, chatMsg{"system", o.System})
	}
	msgs = append(msgs, chatMsg{"user", ps}, chatMsg{"assistant", cs})
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(struct {
		Messages []chatMsg `json:"messages"`
	}{msgs}) != nil {
		return rec
	}
	c.promptCompletion++
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
