package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v3"

	"github.com/ftprep/ftprep/pkg/models"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/validate"
)

// textMaxFindings is --max-findings' default for text output (other formats show all).
const textMaxFindings = 20

// validateOptions are the inputs of `ftprep validate`.
type validateOptions struct {
	Paths       []string
	Method      string // auto, sft, dpo, rft
	Target      string // azure, openai
	Model       string
	Format      string // text, json, sarif, github
	MaxFindings int    // per rule per file; 0 = all
	Strict      bool
	NoTokens    bool
	Epochs      int
	Quiet       bool
	Color       string // auto, always, never
	Kind        string // auto, train, valid: is each file training or validation data
}

// checkFlags are the data-check flags validate and stats share.
func checkFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "method", Value: "auto", Usage: "fine-tuning method: auto (chat or preference, by keys), sft, dpo or rft"},
		&ucli.StringFlag{Name: "model", Usage: "base or fine-tuned model: sets the encoding, token limit and vision support", DefaultText: "none: o200k_base, 65,536-token limit"},
		&ucli.IntFlag{Name: "epochs", Usage: "epochs for the billed-token estimate", DefaultText: "the service's automatic choice, estimated"},
	}
}

func (a *app) validateCommand() *ucli.Command {
	flags := append(checkFlags(),
		&ucli.StringFlag{Name: "target", Value: "azure", Usage: "service whose rules apply: azure or openai"},
		&ucli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output: text, json, sarif or github (workflow annotations)"},
		&ucli.IntFlag{Name: "max-findings", Usage: "show at most N findings per rule per file, 0 = all; counts stay exact", DefaultText: fmt.Sprintf("%d for text, all otherwise", textMaxFindings)},
		&ucli.BoolFlag{Name: "strict", Usage: "fail (exit 1) on warnings too"},
		&ucli.StringFlag{Name: "kind", Value: "auto", Usage: "train or valid: validation files may have fewer than 10 examples (a warning, not an error); auto: valid when the file name has a word val, valid, validation, eval, dev or test"},
		&ucli.BoolFlag{Name: "no-tokens", Usage: "skip token counting and statistics"},
		&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "text: findings only, no summary; never a progress bar"},
		&ucli.StringFlag{Name: "color", Value: "auto", Usage: "colour text output: auto (terminal and NO_COLOR unset), always or never"},
	)
	return &ucli.Command{
		Name:      "validate",
		Usage:     "check JSONL fine-tuning data against every rule the service applies, count tokens, estimate cost",
		ArgsUsage: "FILE... | -",
		Description: "Reads each FILE (or standard input for -) in one streaming pass and reports every problem\n" +
			"with its line, column and JSON pointer, then a summary: examples, format, BOM, token\n" +
			"statistics, a histogram of example lengths and the billed-token estimate.\n\n" +
			"Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage or I/O failure.\n\n" +
			"Examples:\n" +
			"   ftprep validate train.jsonl valid.jsonl\n" +
			"   ftprep validate train.jsonl --model gpt-4.1-mini-2025-04-14 --epochs 2\n" +
			"   ftprep validate --target openai --strict data.jsonl\n" +
			"   cat data.jsonl | ftprep validate -\n" +
			"   ftprep validate data.jsonl --format json | jq '.files[0].counts'\n" +
			"   ftprep validate data.jsonl --format sarif > ftprep.sarif     # GitHub code scanning\n" +
			"   ftprep validate data.jsonl --format github                   # annotations in a workflow\n\n" +
			"`ftprep rules` lists every rule with its severity per target and a fix hint.",
		Flags: flags,
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			o := validateOptions{
				Paths: cmd.Args().Slice(), Method: cmd.String("method"), Target: cmd.String("target"),
				Model: cmd.String("model"), Format: cmd.String("format"), MaxFindings: int(cmd.Int("max-findings")),
				Strict: cmd.Bool("strict"), NoTokens: cmd.Bool("no-tokens"), Epochs: int(cmd.Int("epochs")),
				Quiet: cmd.Bool("quiet"), Color: cmd.String("color"), Kind: cmd.String("kind"),
			}
			switch o.Kind {
			case "auto", "train", "valid":
			default:
				return usageErr("--kind %q: want auto, train or valid", o.Kind)
			}
			if !cmd.IsSet("max-findings") && o.Format == "text" {
				o.MaxFindings = textMaxFindings
			}
			if err := o.check(); err != nil {
				return err
			}
			return a.runValidate(ctx, o)
		},
	}
}

// oneOf checks that flag's value v is one of the allowed values.
func oneOf(flag, v string, allowed ...string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return usageErr("--%s %q: want one of %s", flag, v, strings.Join(allowed, ", "))
}

// checkPaths checks that there is at least one path and at most one "-".
func checkPaths(paths []string) error {
	if len(paths) == 0 {
		return usageErr("no input: give one or more FILEs, or - for standard input (see --help)")
	}
	n := 0
	for _, p := range paths {
		if p == "-" {
			n++
		}
	}
	if n > 1 {
		return usageErr("standard input (-) can be read only once")
	}
	return nil
}

func (o *validateOptions) check() error {
	if err := checkPaths(o.Paths); err != nil {
		return err
	}
	for _, err := range []error{
		oneOf("method", o.Method, "auto", "sft", "dpo", "rft"),
		oneOf("target", o.Target, "azure", "openai"),
		oneOf("format", o.Format, report.Formats...),
		oneOf("color", o.Color, "auto", "always", "never"),
	} {
		if err != nil {
			return err
		}
	}
	if o.MaxFindings < 0 {
		return usageErr("--max-findings %d: want 0 (all) or more", o.MaxFindings)
	}
	if o.Epochs < 0 || o.Epochs > 25 {
		return usageErr("--epochs %d: want 1 to 25 (or leave it out for the automatic estimate)", o.Epochs)
	}
	return nil
}

// modelUnknownRule is the engine's finding for a --model the catalogue lacks.
const modelUnknownRule = "model-unknown"

// reported reports whether any file of r has a finding of rule.
func reported(r report.Result, rule string) bool {
	for _, f := range r.Files {
		for _, x := range f.Findings {
			if x.Rule == rule {
				return true
			}
		}
	}
	return false
}

// warnModel tells the user on stderr when --model is not in the catalogue
// (validate does so only when the engine has not reported it as a finding).
func (a *app) warnModel(name string) {
	if name == "" {
		return
	}
	if _, ok := models.Lookup(name); !ok {
		fmt.Fprintf(a.err, "ftprep: warning: unknown model %q: using %s and a %d-token limit (`ftprep validate --help`)\n",
			name, models.DefaultEncoding, models.DefaultLimit)
	}
}

// validateAll runs the validator over every path and returns the results of
// the inputs it could read; ioFailed is true when an input could not be read
// (already reported on stderr).
// byName decides per file, from its name, whether it holds validation data.
func (a *app) validateAll(ctx context.Context, paths []string, vo validate.Options, progress, byName bool) (res report.Result, ioFailed bool, err error) {
	res.Files = []report.FileResult{}
	for _, p := range paths {
		fo := vo
		if byName {
			fo.Validation = validate.LooksLikeValidationFile(p)
		}
		fr, ferr := a.validateOne(ctx, p, fo, progress)
		if ctx.Err() != nil {
			return res, ioFailed, ioErr(ctx.Err())
		}
		if ferr != nil {
			fmt.Fprintf(a.err, "ftprep: %v\n", ferr)
			ioFailed = true
			continue
		}
		res.Files = append(res.Files, fr)
	}
	return res, ioFailed, nil
}

// validateOne validates one path ("-" = standard input), with a progress bar on
// stderr for large inputs when progress is allowed and stderr is a terminal.
func (a *app) validateOne(ctx context.Context, path string, vo validate.Options, progress bool) (report.FileResult, error) {
	var r io.Reader
	var size int64 = -1
	if path == "-" {
		r = a.in
		if f, ok := a.in.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
				size = st.Size()
			}
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return report.FileResult{}, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return report.FileResult{}, err
		}
		if st.IsDir() {
			return report.FileResult{}, fmt.Errorf("%s: is a directory", path)
		}
		r, size = f, st.Size()
	}
	if progress && size >= progressMinBytes && isTerminal(a.err) {
		bar := newProgressBar(a.err, report.DisplayPath(path), size)
		vo.Progress = bar.update
		defer bar.done()
	}
	fr, err := validate.Validate(ctx, r, path, vo)
	if err != nil {
		return fr, fmt.Errorf("%s: %w", path, err)
	}
	return fr, nil
}

// runValidate validates every input, prints the report and decides the exit status.
func (a *app) runValidate(ctx context.Context, o validateOptions) error {
	rules := report.NewRuleSet(ruleCatalog())
	p, err := report.New(o.Format, report.PrinterOptions{
		Color: o.Color == "always" || (o.Color == "auto" && useColor(a.out)),
		Quiet: o.Quiet, Rules: rules, Version: toolVersion(), Target: o.Target,
	})
	if err != nil {
		return usageErr("%v", err)
	}
	vo := validate.Options{Method: o.Method, Target: o.Target, Model: o.Model, NoTokens: o.NoTokens, Epochs: o.Epochs}
	vo.Validation = o.Kind == "valid"
	res, ioFailed, err := a.validateAll(ctx, o.Paths, vo, !o.Quiet, o.Kind == "auto")
	if err != nil {
		return err
	}
	if !reported(res, modelUnknownRule) {
		a.warnModel(o.Model)
	}
	report.Process(&res, report.ProcessOptions{Target: o.Target, Rules: rules, MaxPerRule: o.MaxFindings})
	if err := p.Print(a.out, res); err != nil {
		return ioErr(err)
	}
	switch {
	case ioFailed:
		return silentExit(ExitUsage)
	case res.Failed(o.Strict):
		return silentExit(ExitFindings)
	}
	return nil
}

// toolVersion is the module version ftprep was built as ("dev" from a work tree).
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func (a *app) rulesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "rules",
		Usage: "list every validation rule with its severity per target and a fix hint",
		Description: "Rule IDs are stable: use them to grep reports or filter JSON output.\n" +
			"\"off\" means the rule does not apply to that target.\n\n" +
			"Examples:\n" +
			"   ftprep rules\n" +
			"   ftprep rules --format json | jq -r '.[] | select(.azure == \"error\") | .id'",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output: text or json"},
		},
		Action: func(_ context.Context, cmd *ucli.Command) error {
			if cmd.Args().Len() > 0 {
				return usageErr("rules takes no arguments (got %q)", cmd.Args().First())
			}
			format := cmd.String("format")
			if err := oneOf("format", format, "text", "json"); err != nil {
				return err
			}
			return a.runRules(format)
		},
	}
}

// runRules prints the rule catalogue.
func (a *app) runRules(format string) error {
	rules := report.NewRuleSet(ruleCatalog()).Sorted()
	var err error
	if format == "json" {
		err = report.PrintRulesJSON(a.out, rules)
	} else {
		err = report.PrintRules(a.out, rules)
	}
	if err != nil {
		return ioErr(err)
	}
	return nil
}

// statsOptions are the inputs of `ftprep stats`.
type statsOptions struct {
	Paths  []string
	Method string
	Model  string
	Epochs int
	Format string // text or json
}

func (a *app) statsCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "stats",
		Usage:     "token statistics, example-length histogram and billed-token estimate for one or more files",
		ArgsUsage: "FILE... | -",
		Description: "Counts tokens per example with the cookbook's formula (3 + Σ per message of 3 + role + content\n" +
			"+ name + 1 if named; images 85 (low) or 85 + 170 per 512-px tile) and prints one table with a\n" +
			"column per file, so training and validation files compare side by side. Billed tokens =\n" +
			"epochs × Σ min(limit, example tokens); without --epochs the service's automatic choice is\n" +
			"estimated (3; fewer for large files, more for small ones). Use `ftprep validate` for findings.\n\n" +
			"Examples:\n" +
			"   ftprep stats train.jsonl valid.jsonl\n" +
			"   ftprep stats --model gpt-35-turbo-0125 --epochs 2 train.jsonl\n" +
			"   ftprep stats train.jsonl --format json | jq '.files[0].tokens.p95'",
		Flags: append(checkFlags(),
			&ucli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output: text or json"},
		),
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			o := statsOptions{Paths: cmd.Args().Slice(), Method: cmd.String("method"), Model: cmd.String("model"),
				Epochs: int(cmd.Int("epochs")), Format: cmd.String("format")}
			if err := checkPaths(o.Paths); err != nil {
				return err
			}
			if err := oneOf("method", o.Method, "auto", "sft", "dpo", "rft"); err != nil {
				return err
			}
			if err := oneOf("format", o.Format, "text", "json"); err != nil {
				return err
			}
			if o.Epochs < 0 || o.Epochs > 25 {
				return usageErr("--epochs %d: want 1 to 25 (or leave it out for the automatic estimate)", o.Epochs)
			}
			return a.runStats(ctx, o)
		},
	}
}

// runStats counts tokens in every input and prints the statistics table.
func (a *app) runStats(ctx context.Context, o statsOptions) error {
	a.warnModel(o.Model)
	vo := validate.Options{Method: o.Method, Model: o.Model, Epochs: o.Epochs}
	res, ioFailed, err := a.validateAll(ctx, o.Paths, vo, true, true)
	if err != nil {
		return err
	}
	report.Process(&res, report.ProcessOptions{})
	for _, f := range res.Files {
		// Whole-file errors (bom-missing, too-few-examples) do not affect counting; bad lines do.
		bad := 0
		for _, x := range f.Findings {
			if x.Severity == report.Error && x.Line > 0 {
				bad++
			}
		}
		if bad > 0 {
			fmt.Fprintf(a.err, "ftprep: note: %s has %s on its lines; the statistics cover the examples that could be counted (see `ftprep validate`)\n",
				report.DisplayPath(f.Path), pluralize(bad, "error"))
		}
	}
	if o.Format == "json" {
		err = report.PrintStatsJSON(a.out, res)
	} else {
		err = report.PrintStats(a.out, res)
	}
	if err != nil {
		return ioErr(err)
	}
	if ioFailed {
		return silentExit(ExitUsage)
	}
	return nil
}

// pluralize returns "1 error", "2 errors".
func pluralize(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
