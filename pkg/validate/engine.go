package validate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"

	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/models"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/stats"
)

// Batch limits: a batch closes at whichever comes first. A longer line makes
// a batch of its own.
const (
	batchBytes = 1 << 20
	batchLines = 1024
)

// fileLimit is MaxFileBytes; tests lower it.
var fileLimit int64 = MaxFileBytes

// batchReader is jsonl.Reader's batching method, used when the package has it.
type batchReader interface {
	NextBatch(maxLines, maxBytes int) ([]jsonl.Line, error)
}

// nextBatch returns the next lines, up to batchLines or about batchBytes
// (at least one line however long); err is io.EOF at the end or a read error,
// possibly with the lines read before it.
func nextBatch(jr *jsonl.Reader) ([]jsonl.Line, error) {
	if br, ok := any(jr).(batchReader); ok {
		return br.NextBatch(batchLines, batchBytes)
	}
	var lines []jsonl.Line
	size := 0
	for len(lines) < batchLines && size < batchBytes {
		l, err := jr.Next()
		if err != nil {
			return lines, err
		}
		lines = append(lines, l)
		size += len(l.Data) + 64
	}
	return lines, nil
}

// batch is a run of consecutive lines with its own result slot (house style 10).
type batch struct {
	lines []jsonl.Line
	out   []lineOut
	end   int64 // input offset after the batch
	bom   bool
	err   error // read error after these lines
	done  chan struct{}
}

// run is the engine: reader → workers → in-order collector.
func (c *config) run(ctx context.Context, r io.Reader, name string) (report.FileResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := c.o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	work := make(chan *batch, workers)
	order := make(chan *batch, 2*workers)

	go c.read(ctx, r, work, order)
	for range workers {
		go c.work(ctx, work)
	}

	col := newCollector(c, name)
	var lastProgress int64
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return col.res, ctx.Err()
		}
		for i := range b.out {
			col.line(&b.out[i])
		}
		col.end, col.bom = b.end, b.bom
		if c.o.Progress != nil && b.end-lastProgress >= 1<<20 {
			lastProgress = b.end
			c.o.Progress(b.end)
		}
		if b.err != nil {
			return col.res, b.err
		}
	}
	if err := ctx.Err(); err != nil {
		return col.res, err
	}
	if c.o.Progress != nil && col.end != lastProgress {
		c.o.Progress(col.end)
	}
	return col.finish(), nil
}

// read cuts the input into batches and hands each to the workers and, in
// order, to the collector.
func (c *config) read(ctx context.Context, r io.Reader, work, order chan<- *batch) {
	defer close(order)
	defer close(work)
	jr := jsonl.NewReader(r)
	var end int64
	for eof := false; !eof; {
		b := &batch{done: make(chan struct{})}
		lines, err := nextBatch(jr)
		switch {
		case errors.Is(err, io.EOF):
			eof = true
		case err != nil:
			b.err, eof = fmt.Errorf("reading input: %w", err), true
		}
		b.lines = lines
		if n := len(lines); n > 0 {
			l := lines[n-1]
			end = l.Offset + int64(len(l.Data))
			if !l.NoEOL {
				end++
				if l.CR {
					end++
				}
			}
		}
		b.bom = jr.BOM()
		if end == 0 && b.bom {
			end = 3
		}
		b.end = end
		select {
		case order <- b:
		case <-ctx.Done():
			return
		}
		if len(b.lines) == 0 {
			close(b.done)
			continue
		}
		select {
		case work <- b:
		case <-ctx.Done():
			return
		}
	}
}

// newParser returns a parse function for one worker: a reusable parser whose
// strings alias the line (no copy). That is safe: NextBatch never rewrites a
// batch's buffer, and the checks keep nothing of the tree past the line.
func newParser() parseFunc {
	p := &jsonl.Parser{AliasLine: true}
	return p.Parse
}

// work checks batches until the reader closes the channel.
func (c *config) work(ctx context.Context, work <-chan *batch) {
	parse := newParser()
	for b := range work {
		b.out = make([]lineOut, len(b.lines))
		for i, l := range b.lines {
			if ctx.Err() != nil {
				break
			}
			c.checkPhysical(&b.out[i], l, parse)
		}
		b.lines = nil
		close(b.done)
	}
}

// checkPhysical checks one physical line.
func (c *config) checkPhysical(out *lineOut, l jsonl.Line, parse parseFunc) {
	out.num, out.offset, out.length = l.Number, l.Offset, len(l.Data)
	if isBlank(l.Data) {
		out.blank = true
		if s, ok := c.severity("blank-line"); ok {
			out.findings = append(out.findings, report.Finding{Rule: "blank-line", Severity: s, Line: l.Number, Message: "blank line (some validators reject it; remove it)"})
		}
		return
	}
	v := c.checkLine(out, l.Data, parse)
	if c.o.Hook != nil {
		out.hook = c.o.Hook(l.Data, v, out.errors == 0)
	}
}

func isBlank(b []byte) bool {
	for _, ch := range b {
		if ch != ' ' && ch != '\t' && ch != '\r' {
			return false
		}
	}
	return true
}

// collector consumes line results in order and keeps the file-level state.
type collector struct {
	c           *config
	res         report.FileResult
	end         int64
	bom         bool
	seen        map[uint64]int32 // line hash → first line with it
	firstFormat string
	firstLine   int
	mixed       bool
	examples    []stats.Example
	unknownImgs int
}

func newCollector(c *config, name string) *collector {
	return &collector{c: c, seen: map[uint64]int32{},
		res: report.FileResult{Path: name, Counts: map[string]int{}, Findings: []report.Finding{}}}
}

// add reports a finding decided in line order (file-level rules).
func (col *collector) add(out *lineOut, rule string, colm int, msg string) {
	s, ok := col.c.severity(rule)
	if !ok {
		return
	}
	if s == report.Error && out != nil {
		out.errors++
	}
	line := 0
	if out != nil {
		line = out.num
	}
	col.res.Findings = append(col.res.Findings, report.Finding{Rule: rule, Severity: s, Line: line, Column: colm, Message: msg})
}

func (col *collector) line(out *lineOut) {
	col.res.Findings = append(col.res.Findings, out.findings...)
	out.findings = nil
	if !out.blank {
		col.res.Examples++
		if out.format != "" {
			switch {
			case col.firstFormat == "":
				col.firstFormat, col.firstLine = out.format, out.num
			case out.format != col.firstFormat && !col.mixed:
				col.mixed = true
				col.add(out, "mixed-formats", 0, fmt.Sprintf("this line is %s but line %d is %s; a file must hold one format", formatName(out.format), col.firstLine, formatName(col.firstFormat)))
			}
		}
		if prev, ok := col.seen[out.hash]; ok {
			col.add(out, "duplicate-example", 0, fmt.Sprintf("exact duplicate of line %d", prev))
		} else {
			col.seen[out.hash] = int32(out.num)
		}
		if out.counted && out.errors == 0 {
			col.examples = append(col.examples, out.ex)
			col.unknownImgs += out.imagesUnknown
		}
	}
	if col.c.o.OnLine != nil {
		l := Line{Number: out.num, Offset: out.offset, Len: out.length, Blank: out.blank, Errors: out.errors,
			Format: out.format, Hook: out.hook}
		if out.counted && out.errors == 0 {
			l.Tokens = out.ex.Tokens
		}
		col.c.o.OnLine(l)
	}
	out.hook = nil
}

func formatName(f string) string {
	switch f {
	case FormatChat:
		return "chat (SFT)"
	case FormatDPO:
		return "preference (DPO)"
	case FormatRFT:
		return "reinforcement (RFT)"
	}
	return f
}

// methodOf maps a line format to the method name used in reports and the catalogue.
func methodOf(f string) string {
	switch f {
	case FormatChat:
		return models.SFT
	case FormatDPO:
		return models.DPO
	case FormatRFT:
		return models.RFT
	}
	return ""
}

// finish adds the file-level findings, statistics and counts.
func (col *collector) finish() report.FileResult {
	c, res := col.c, &col.res
	res.Bytes, res.BOM = col.end, col.bom
	format := col.firstFormat
	if c.format != "" {
		format = c.format
	}
	res.Format = methodOf(format)

	if res.Examples == 0 {
		col.add(nil, "file-empty", 0, "the file has no examples")
	}
	if res.Bytes > fileLimit {
		col.add(nil, "file-too-large", 0, fmt.Sprintf("the file is %d bytes, over the %d-byte (512 MiB) upload limit", res.Bytes, fileLimit))
	}
	if !res.BOM && res.Examples > 0 {
		col.add(nil, "bom-missing", 0, "the file has no UTF-8 byte-order mark; Azure's guide requires one (ftprep fix --bom adds it)")
	}
	if res.Examples > 0 && res.Examples < MinExamples {
		if c.o.Validation {
			// The 10-example minimum is documented for training files only
			// (rules.md F11: unverified for validation files): warn, never fail.
			n := len(col.res.Findings)
			col.add(nil, "too-few-examples", 0, fmt.Sprintf("%d examples in a validation file; the service's minimum of %d is documented for training files (more validation examples give a steadier validation loss)", res.Examples, MinExamples))
			for i := n; i < len(col.res.Findings); i++ {
				col.res.Findings[i].Severity = report.Warning
			}
		} else {
			col.add(nil, "too-few-examples", 0, fmt.Sprintf("%d examples; fine-tuning needs at least %d", res.Examples, MinExamples))
		}
	}
	if c.o.Model != "" && !c.modelKnown {
		col.add(nil, "model-unknown", 0, fmt.Sprintf("model %q is not in ftprep's catalogue; using %s and a %d-token limit", c.o.Model, models.DefaultEncoding, models.DefaultLimit))
	}
	if c.modelKnown && res.Format != "" && !c.model.Supports(res.Format) {
		col.add(nil, "method-unsupported", 0, fmt.Sprintf("%s cannot be fine-tuned with %s data (it supports %v)", c.model.Name, res.Format, c.model.Methods))
	}
	if c.enc != nil {
		res.Tokens = stats.Compute(col.examples, stats.Options{Encoding: c.enc.Name(), Limit: c.limit, Epochs: c.o.Epochs})
		res.Tokens.ImagesUnknown = col.unknownImgs
		if res.Tokens.BilledTokens > TrainingTokenQuota {
			col.add(nil, "training-tokens-quota", 0, fmt.Sprintf("about %d training tokens (tokens × %d epochs) exceed Azure's %d per job", res.Tokens.BilledTokens, res.Tokens.Epochs, TrainingTokenQuota))
		}
	}
	col.seen = nil

	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := &res.Findings[i], &res.Findings[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	res.OK = true
	for _, f := range res.Findings {
		res.Counts[f.Rule]++
		if f.Severity == report.Error {
			res.OK = false
		}
	}
	return *res
}
