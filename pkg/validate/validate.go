// Package validate checks fine-tuning JSONL against every rule the services
// apply, in one streaming, parallel pass, and counts tokens.
//
// This file is the API other packages build on; the engine behind it is
// being written (see issue 2). Until then Validate only checks JSON syntax.
package validate

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"

	"github.com/ftprep/ftprep/pkg/report"
)

// Options configure one validation run. The zero value validates chat or DPO
// data (auto-detected) for Azure OpenAI with token counting on all cores.
type Options struct {
	Method   string // "auto" (default), "sft", "dpo" or "rft"
	Target   string // "azure" (default) or "openai"
	Model    string // base or fine-tuned model name; decides encoding, context limit, vision, cost ("" = generic, o200k_base)
	Workers  int    // worker goroutines; 0 = GOMAXPROCS
	NoTokens bool   // skip token counting (and the statistics)
	Epochs   int    // epochs for the billed-token estimate; 0 = the service's automatic choice

	// Progress, when set, is called now and then (on one goroutine) with the input bytes read so far.
	Progress func(read int64)
	// Hook, when set, runs on a worker goroutine for every non-blank line after the
	// checks, with the raw line (without its line ending; valid only during the call)
	// and whether the line had errors. Its result is handed to OnLine as Line.Hook.
	Hook func(raw []byte, ok bool) any
	// OnLine, when set, is called for every physical line, in line order, on one goroutine.
	OnLine func(l Line)
}

// Line describes one physical line of the input, for callers that act per line (split, fix).
type Line struct {
	Number int    // 1-based physical line number (the BOM is not a line)
	Offset int64  // byte offset of the line's first byte in the input (the BOM counts)
	Len    int    // bytes of the line without its line ending
	Blank  bool   // empty or whitespace only
	Errors int    // error findings on this line
	Tokens int    // the example's token count (0 when not counted or invalid)
	Format string // "chat", "dpo", "rft" or "" when unknown
	Hook   any    // what Options.Hook returned for this line
}

// Validate reads r to the end and returns what it found. name is the path
// printed in reports ("-" for stdin). The error is non-nil only when reading
// fails or ctx ends; problems in the data are findings in the result.
func Validate(ctx context.Context, r io.Reader, name string, o Options) (report.FileResult, error) {
	res := report.FileResult{Path: name, Counts: map[string]int{}, Findings: []report.Finding{}}
	br := bufio.NewReader(r)
	var off int64
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		line, err := br.ReadBytes('\n')
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return res, err
		}
		raw := line
		for len(raw) > 0 && (raw[len(raw)-1] == '\n' || raw[len(raw)-1] == '\r') {
			raw = raw[:len(raw)-1]
		}
		l := Line{Number: n, Offset: off, Len: len(raw), Blank: len(raw) == 0}
		if !l.Blank {
			res.Examples++
			if !json.Valid(raw) {
				l.Errors++
				res.Findings = append(res.Findings, report.Finding{Rule: "json-invalid", Severity: report.Error, Line: n, Message: "line is not valid JSON"})
			}
			if o.Hook != nil {
				l.Hook = o.Hook(raw, l.Errors == 0)
			}
		}
		if o.OnLine != nil {
			o.OnLine(l)
		}
		off += int64(len(line))
		res.Bytes = off
	}
	res.OK = len(res.Findings) == 0
	return res, nil
}

// ValidateFile validates the file at path ("-" = standard input is not handled here).
func ValidateFile(ctx context.Context, path string, o Options) (report.FileResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return report.FileResult{Path: path}, err
	}
	defer f.Close()
	return Validate(ctx, f, path, o)
}
