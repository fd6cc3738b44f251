// Package validate checks fine-tuning JSONL against every rule the services
// apply, in one streaming, parallel pass, and counts tokens.
//
// The engine (engine.go) reads lines in batches on one goroutine, checks and
// counts them on Options.Workers goroutines, and collects the results in line
// order on the caller's goroutine, so findings are identical for any
// GOMAXPROCS and memory is bounded by workers × batch size × the longest line.
// The checks are in check.go and image.go; the rules they report are the
// registry in rules.go (Rules).
package validate

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/models"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/tokens"
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
	// Validation marks a validation file: too-few-examples is then a warning, since
	// the service documents its 10-example minimum for training files only.
	Validation bool

	// Progress, when set, is called now and then (on one goroutine) with the input bytes read so far.
	Progress func(read int64)
	// Hook, when set, runs on a worker goroutine for every non-blank line after the
	// checks, with the raw line (without its line ending; valid only during the call)
	// and whether the line had errors. Its result is handed to OnLine as Line.Hook.
	// ok covers the line's own checks; the file-level verdicts decided in line
	// order (mixed-formats, duplicate-example) are not known yet and only show in
	// the Line passed to OnLine (Line.Errors).
	// v is the line's parsed tree (nil when it is not JSON), valid only during
	// the call too: callers that need the JSON use it instead of parsing again.
	Hook func(raw []byte, v *jsonl.Value, ok bool) any
	// OnLine, when set, is called for every physical line, in line order, on one
	// goroutine (the caller's), after the line's findings are final.
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

// config is Options resolved once per run and shared read-only by the workers.
type config struct {
	o           Options
	format      string // forced line format ("" = detect chat/DPO per line)
	method      string // the method as given: auto, sft, dpo, rft
	target      string
	model       models.Model
	modelKnown  bool
	limit       int
	enc         *tokens.Encoder // nil with NoTokens
	specials    []string
	sev         map[string]report.Severity
	roleTokens  map[string]int
	debugPanics bool
}

func newConfig(o Options) (*config, error) {
	c := &config{o: o, method: strings.ToLower(o.Method), target: strings.ToLower(o.Target)}
	switch c.method {
	case "", "auto":
		c.method = "auto"
	case models.SFT:
		c.format = FormatChat
	case models.DPO:
		c.format = FormatDPO
	case models.RFT:
		c.format = FormatRFT
	default:
		return nil, fmt.Errorf("unknown method %q (auto, sft, dpo or rft)", o.Method)
	}
	switch c.target {
	case "":
		c.target = TargetAzure
	case TargetAzure, TargetOpenAI:
	default:
		return nil, fmt.Errorf("unknown target %q (azure or openai)", o.Target)
	}
	c.model, c.modelKnown = models.Resolve(o.Model)
	c.limit = c.model.Limit
	// A model that can only be reinforcement-tuned (o4-mini) makes auto mean rft.
	if c.method == "auto" && c.modelKnown && len(c.model.Methods) == 1 && c.model.Methods[0] == models.RFT {
		c.format = FormatRFT
	}
	c.sev = make(map[string]report.Severity, len(registry))
	for _, r := range registry {
		s, _ := r.SeverityFor(c.target)
		c.sev[r.ID] = s
	}
	c.specials = append([]string(nil), forbiddenTokens...)
	if !o.NoTokens {
		enc, err := tokens.Get(c.model.Encoding)
		if err != nil {
			return nil, err
		}
		c.enc = enc
		for _, t := range enc.SpecialTokens() {
			if !oneOf(t, c.specials...) {
				c.specials = append(c.specials, t)
			}
		}
		c.roleTokens = map[string]int{}
		for _, r := range []string{"system", "user", "assistant", "tool", "function", "developer"} {
			c.roleTokens[r] = enc.Count(r)
		}
	}
	c.debugPanics = os.Getenv("FTPREP_DEBUG_PANICS") != ""
	return c, nil
}

// severity returns the rule's severity for the run's target; ok is false when
// the rule is off for the target.
func (c *config) severity(rule string) (report.Severity, bool) {
	s, ok := c.sev[rule]
	if !ok {
		panic("validate: unregistered rule " + rule)
	}
	return s, s != Off
}

// count returns the tokens of s (0 without token counting).
func (c *config) count(s string) int {
	if c.enc == nil || s == "" {
		return 0
	}
	if n, ok := c.roleTokens[s]; ok && len(s) < 10 {
		return n
	}
	return c.enc.Count(s)
}

func (c *config) modelName() string {
	if c.modelKnown {
		return c.model.Name
	}
	return "the default model"
}

// Validate reads r to the end and returns what it found. name is the path
// printed in reports ("-" for stdin). The error is non-nil only when the
// options are invalid, reading fails or ctx ends; problems in the data are
// findings in the result.
func Validate(ctx context.Context, r io.Reader, name string, o Options) (report.FileResult, error) {
	c, err := newConfig(o)
	if err != nil {
		return report.FileResult{Path: name, Counts: map[string]int{}, Findings: []report.Finding{}}, err
	}
	return c.run(ctx, r, name)
}

// ValidateFile validates the file at path ("-" = standard input is not handled here).
func ValidateFile(ctx context.Context, path string, o Options) (report.FileResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return report.FileResult{Path: path, Counts: map[string]int{}, Findings: []report.Finding{}}, err
	}
	defer f.Close()
	return Validate(ctx, f, path, o)
}

// Checker checks single lines with every rule that needs no other line (all
// but the file-level rules: file-*, bom-missing, too-few-examples,
// mixed-formats, duplicate-example, model and quota rules). It is safe for
// concurrent use; fix and the fuzz target use it.
type Checker struct{ c *config }

// NewChecker resolves o once (model, encoding) for many Check calls.
func NewChecker(o Options) (*Checker, error) {
	c, err := newConfig(o)
	if err != nil {
		return nil, err
	}
	return &Checker{c: c}, nil
}

// Check checks raw (one line without its line ending) as line number n and
// returns its findings in check order and its Line (Offset 0, Hook unset).
func (k *Checker) Check(n int, raw []byte) ([]report.Finding, Line) {
	var out lineOut
	k.c.checkPhysical(&out, jsonl.Line{Number: n, Data: raw}, jsonl.Parse)
	l := Line{Number: n, Len: len(raw), Blank: out.blank, Errors: out.errors, Format: out.format}
	if out.counted && out.errors == 0 {
		l.Tokens = out.ex.Tokens
	}
	return out.findings, l
}

// LooksLikeValidationFile reports whether a file name says it holds validation
// data ("valid.jsonl", "conv_sft_val.jsonl", "eval-set.jsonl", "validation_set.jsonl"):
// a word val, valid, validation, eval, dev or test in the base name.
func LooksLikeValidationFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	words := strings.FieldsFunc(base, func(r rune) bool { return r < 'a' || r > 'z' })
	for _, w := range words {
		switch w {
		case "val", "valid", "validation", "eval", "evaluation", "dev", "test", "holdout":
			return true
		}
	}
	return false
}
