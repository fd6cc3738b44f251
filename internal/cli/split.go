package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v3"

	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/split"
)

// splitOptions is what `ftprep split` was asked to do.
type splitOptions struct {
	Inputs []string
	Format string // "text", "json" or "" (json unless stdout is a terminal)
	split.Options
}

func (a *app) splitCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "split",
		Usage:     "split a JSONL corpus into training and validation files, deterministically and losslessly",
		ArgsUsage: "INPUT... | -",
		Description: "Validates the input (one pass, same engine as validate), then assigns every example to the\n" +
			"training or the validation file by a keyed hash of its content (or of its --group-by value)\n" +
			"and --seed: the same input and seed always give the same files, from a path or stdin, on any\n" +
			"machine. Duplicates (canonical JSON) always land on the same side; --dedupe drops them. Lines are\n" +
			"copied byte for byte (each ends in \\n; under --target azure both files start with a BOM).\n" +
			"Both files are checked (>= 10 examples, <= 512 MiB each) before anything is written, and\n" +
			"written atomically: both or neither. Several inputs are concatenated in order.\n" +
			"Prints a human summary on a terminal, else (or with --format json) a JSON manifest that\n" +
			"`ftprep submit -` reads. Exit 0 on success, 1 when the data is refused, 2 on usage or I/O errors.\n\n" +
			"Examples:\n" +
			"   ftprep split corpus.jsonl --train train.jsonl --valid valid.jsonl\n" +
			"   ftprep split shard-*.jsonl --train t.jsonl --valid v.jsonl --dedupe --group-by /messages/1/content\n" +
			"   cat raw.jsonl | ftprep split - --train t.jsonl --valid v.jsonl --valid-count 500 --seed 7\n" +
			"   ftprep split big.jsonl --train t.jsonl --valid v.jsonl --max-train-bytes 200MiB --skip-invalid --rejects bad.jsonl\n" +
			"   ftprep split data.jsonl --train t.jsonl --valid v.jsonl | ftprep submit --model gpt-4.1-mini-2025-04-14 -",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "train", Usage: "write the training file to `PATH` (required)"},
			&ucli.StringFlag{Name: "valid", Usage: "write the validation file to `PATH` (required)"},
			&ucli.Float64Flag{Name: "valid-ratio", Value: 0.1, Usage: "share of examples for validation, between 0 and 1"},
			&ucli.IntFlag{Name: "valid-count", Usage: "exact number of validation examples (instead of --valid-ratio)"},
			&ucli.Int64Flag{Name: "seed", Value: 42, Usage: "seed of the split: another seed, another split"},
			&ucli.BoolFlag{Name: "dedupe", Usage: "drop exact duplicates (same canonical JSON: key order and whitespace ignored)"},
			&ucli.StringFlag{Name: "group-by", Usage: "keep examples with equal values at JSON `POINTER` on one side (e.g. /messages/1/content)"},
			&ucli.BoolFlag{Name: "skip-invalid", Usage: "set invalid lines aside (needs --rejects) instead of refusing the input"},
			&ucli.StringFlag{Name: "rejects", Usage: "with --skip-invalid, write the invalid lines to `PATH`"},
			&ucli.StringFlag{Name: "target", Value: "azure", Usage: "azure (files start with a BOM) or openai (no BOM)"},
			&ucli.StringFlag{Name: "max-train-bytes", Usage: "cap the training file at `SIZE` (e.g. 200MiB, 500MB, 1048576) by sampling"},
			&ucli.IntFlag{Name: "max-train-examples", Usage: "cap the training file at `N` examples by sampling"},
			&ucli.StringFlag{Name: "model", Usage: "base `MODEL` for validation and token counts (default: generic, o200k_base)"},
			&ucli.BoolFlag{Name: "no-tokens", Usage: "skip token counting (faster; manifest tokens are 0)"},
			&ucli.StringFlag{Name: "format", Usage: "text or json (default: text on a terminal, json otherwise)"},
		},
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			o := splitOptions{Inputs: cmd.Args().Slice(), Format: cmd.String("format")}
			o.Train, o.Valid = cmd.String("train"), cmd.String("valid")
			o.ValidRatio, o.ValidCount, o.Seed = cmd.Float64("valid-ratio"), cmd.Int("valid-count"), cmd.Int64("seed")
			o.Dedupe, o.GroupBy = cmd.Bool("dedupe"), cmd.String("group-by")
			o.SkipInvalid, o.Rejects = cmd.Bool("skip-invalid"), cmd.String("rejects")
			o.Target, o.Model, o.NoTokens = cmd.String("target"), cmd.String("model"), cmd.Bool("no-tokens")
			o.MaxTrainExamples = cmd.Int("max-train-examples")
			if len(o.Inputs) == 0 {
				return usageErr("split: give INPUT files or - for standard input")
			}
			if o.Train == "" || o.Valid == "" {
				return usageErr("split: --train PATH and --valid PATH are required")
			}
			if splitSameFile(o.Train, o.Valid) || (o.Rejects != "" && (splitSameFile(o.Rejects, o.Train) || splitSameFile(o.Rejects, o.Valid))) {
				return usageErr("split: --train, --valid and --rejects must be different files")
			}
			for _, in := range o.Inputs {
				if in != "-" && (splitSameFile(in, o.Train) || splitSameFile(in, o.Valid) || (o.Rejects != "" && splitSameFile(in, o.Rejects))) {
					return usageErr("split: output %s is also an input", in)
				}
			}
			if cmd.IsSet("valid-count") && cmd.IsSet("valid-ratio") {
				return usageErr("split: give --valid-ratio or --valid-count, not both")
			}
			if cmd.IsSet("valid-count") {
				if o.ValidCount <= 0 {
					return usageErr("split: --valid-count must be positive")
				}
				o.ValidRatio = 0
			} else if o.ValidRatio <= 0 || o.ValidRatio >= 1 {
				return usageErr("split: --valid-ratio must be between 0 and 1 (exclusive), got %v", o.ValidRatio)
			}
			if o.SkipInvalid != (o.Rejects != "") {
				return usageErr("split: --skip-invalid and --rejects PATH go together (invalid lines are never dropped silently)")
			}
			if err := checkTarget("split", o.Target); err != nil {
				return err
			}
			if o.MaxTrainExamples < 0 {
				return usageErr("split: --max-train-examples must be positive")
			}
			if s := cmd.String("max-train-bytes"); s != "" {
				n, err := splitParseSize(s)
				if err != nil {
					return usageErr("split: --max-train-bytes: %v", err)
				}
				o.MaxTrainBytes = n
			}
			if o.GroupBy != "" && !strings.HasPrefix(o.GroupBy, "/") {
				return usageErr("split: --group-by takes a JSON pointer such as /messages/1/content, got %q", o.GroupBy)
			}
			if err := checkAutoFormat("split", o.Format); err != nil {
				return err
			}
			return a.runSplit(ctx, o)
		},
	}
}

// runSplit splits, then prints the summary or the manifest.
func (a *app) runSplit(ctx context.Context, o splitOptions) error {
	o.Stdin = a.in
	if isTerminal(a.err) {
		o.Progress = splitProgress(a.err, "validating")
	}
	res, err := split.Split(ctx, o.Inputs, o.Options)
	if o.Progress != nil {
		fmt.Fprint(a.err, "\r\033[K")
	}
	var refusedErr *split.RefusedError
	if errors.As(err, &refusedErr) {
		splitPrintFindings(a.err, res)
		return failErr(err)
	}
	if errors.Is(err, context.Canceled) {
		return ioErr(errors.New("split: interrupted; nothing written"))
	}
	if err != nil {
		return ioErr(err)
	}
	if len(res.Rejected) > 0 {
		fmt.Fprintf(a.err, "skipped %d invalid line(s) into %s: %s\n", len(res.Rejected), o.Rejects, splitLineRanges(res.Rejected))
	}
	if res.NoGroup > 0 {
		fmt.Fprintf(a.err, "note: %d example(s) have no value at %s; each is its own group\n", res.NoGroup, o.GroupBy)
	}
	m := res.Manifest
	if o.Format == "json" || (o.Format == "" && !isTerminal(a.out)) {
		if err := writeJSON(a.out, m); err != nil {
			return ioErr(err)
		}
		return nil
	}
	printSplitSummary(a.out, m)
	return nil
}

func printSplitSummary(w io.Writer, m *split.Manifest) {
	for _, s := range []struct {
		name string
		o    split.Output
	}{{"train", m.Train}, {"valid", m.Valid}} {
		tok := ""
		if s.o.Tokens > 0 {
			tok = fmt.Sprintf("  %s tokens", splitThousands(s.o.Tokens))
		}
		fmt.Fprintf(w, "%-5s  %s  %s examples  %s%s\n", s.name, s.o.Path, splitThousands(int64(s.o.Examples)), splitHumanBytes(s.o.Bytes), tok)
	}
	var notes []string
	if m.DuplicatesRemoved > 0 {
		notes = append(notes, fmt.Sprintf("%s duplicates removed", splitThousands(int64(m.DuplicatesRemoved))))
	}
	if m.InvalidSkipped > 0 {
		notes = append(notes, fmt.Sprintf("%s invalid lines in %s", splitThousands(int64(m.InvalidSkipped)), m.Rejects))
	}
	if m.SampledOut > 0 {
		notes = append(notes, fmt.Sprintf("%s sampled out by the caps", splitThousands(int64(m.SampledOut))))
	}
	extra := ""
	if len(notes) > 0 {
		extra = "; " + strings.Join(notes, ", ")
	}
	fmt.Fprintf(w, "from %s input examples, seed %d, target %s%s\n", splitThousands(int64(m.InputExamples)), m.Seed, m.Target, extra)
}

// splitPrintFindings lists the error findings of a refused input (at most 20 per file).
func splitPrintFindings(w io.Writer, res *split.Result) {
	if res == nil {
		return
	}
	for _, f := range res.Files {
		n := 0
		for _, fd := range f.Findings {
			if fd.Severity != report.Error || fd.Line == 0 {
				continue
			}
			n++
			if n <= 20 {
				loc := fmt.Sprintf("%s:%d", f.Path, fd.Line)
				if fd.Column > 0 {
					loc += ":" + strconv.Itoa(fd.Column)
				}
				fmt.Fprintf(w, "%s: error: %s [%s]\n", loc, fd.Message, fd.Rule)
			}
		}
		if n > 20 {
			fmt.Fprintf(w, "%s: ... and %d more errors (ftprep validate %s lists them all)\n", f.Path, n-20, f.Path)
		}
	}
	if len(res.Rejected) > 0 {
		fmt.Fprintf(w, "invalid lines: %s\n", splitLineRanges(res.Rejected))
	}
}

// splitLineRanges renders line references compactly: a.jsonl:3,7-9 b.jsonl:1.
func splitLineRanges(refs []split.LineRef) string {
	var parts []string
	for i := 0; i < len(refs); {
		j := i
		for j < len(refs) && refs[j].Input == refs[i].Input {
			j++
		}
		var rs []string
		for k := i; k < j; {
			e := k
			for e+1 < j && refs[e+1].Line == refs[e].Line+1 {
				e++
			}
			if e == k {
				rs = append(rs, strconv.Itoa(refs[k].Line))
			} else {
				rs = append(rs, fmt.Sprintf("%d-%d", refs[k].Line, refs[e].Line))
			}
			k = e + 1
		}
		parts = append(parts, refs[i].Input+":"+strings.Join(rs, ","))
		i = j
	}
	return strings.Join(parts, " ")
}

// splitParseSize reads 1048576, 200MB, 200MiB, 1.5GiB, 64k.
func splitParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	units := []struct {
		suf string
		mul float64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1}}
	mul := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suf) {
			t, mul = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.mul
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("%q is not a size (e.g. 200MiB)", s)
	}
	return int64(f * mul), nil
}

func splitSameFile(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func splitThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + splitThousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func splitHumanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// splitProgress reports bytes read on one terminal line.
func splitProgress(w io.Writer, what string) func(int64) {
	return func(n int64) { fmt.Fprintf(w, "\r\033[K%s: %s", what, splitHumanBytes(n)) }
}
