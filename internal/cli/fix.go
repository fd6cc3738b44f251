package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	ucli "github.com/urfave/cli/v3"

	"github.com/ftprep/ftprep/pkg/fix"
)

// fixOptions is what `ftprep fix` was asked to do.
type fixOptions struct {
	Input   string
	Output  string // "-" = standard output
	InPlace bool
	Format  string
	fix.Options
}

func (a *app) fixCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "fix",
		Usage:     "make mechanical repairs to a JSONL dataset (BOM, CRLF, blank lines, JSON arrays, legacy format)",
		ArgsUsage: "INPUT",
		Description: "Repairs, each reported: the byte-order mark (--bom; default what --target wants: azure adds one,\n" +
			"openai removes it), CRLF line endings to LF, blank lines dropped, a missing final newline, a whole-file\n" +
			"JSON array or pretty-printed JSON converted to JSONL, legacy prompt/completion lines converted to chat\n" +
			"messages (--from-prompt-completion, with --system TEXT as the first message), and with --drop-invalid\n" +
			"the lines that still fail validation moved to --rejects PATH. Lines that need no repair are copied\n" +
			"byte for byte. The output is written atomically; the input is never touched unless --in-place.\n" +
			"Then run `ftprep validate` on the result.\n\n" +
			"Examples:\n" +
			"   ftprep fix raw.jsonl -o train.jsonl\n" +
			"   ftprep fix export.json -o train.jsonl --target openai          # JSON array -> JSONL, no BOM\n" +
			"   ftprep fix legacy.jsonl -o chat.jsonl --from-prompt-completion --system \"You are a helpful assistant.\"\n" +
			"   ftprep fix data.jsonl --in-place --drop-invalid --rejects bad.jsonl\n" +
			"   cat data.jsonl | ftprep fix - -o - | ftprep validate -",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the repaired file to `PATH` (- = standard output)"},
			&ucli.BoolFlag{Name: "in-place", Usage: "replace INPUT with the repaired file (atomically)"},
			&ucli.StringFlag{Name: "target", Value: "azure", Usage: "azure or openai: the default BOM and the validation rules"},
			&ucli.StringFlag{Name: "bom", Usage: "add, remove or keep the UTF-8 byte-order mark (default: what --target wants)"},
			&ucli.BoolFlag{Name: "from-prompt-completion", Usage: "convert {\"prompt\",\"completion\"} lines to chat messages"},
			&ucli.StringFlag{Name: "system", Usage: "with --from-prompt-completion, a system message `TEXT` to put first"},
			&ucli.BoolFlag{Name: "drop-invalid", Usage: "move lines that still fail validation to --rejects"},
			&ucli.StringFlag{Name: "rejects", Usage: "with --drop-invalid, write the invalid lines to `PATH`"},
			&ucli.StringFlag{Name: "model", Usage: "base `MODEL` for --drop-invalid validation"},
			&ucli.StringFlag{Name: "format", Usage: "text or json report (default: text on a terminal, json otherwise)"},
		},
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			o := fixOptions{Output: cmd.String("output"), InPlace: cmd.Bool("in-place"), Format: cmd.String("format")}
			o.Target, o.BOM = cmd.String("target"), cmd.String("bom")
			o.FromPromptCompletion, o.System = cmd.Bool("from-prompt-completion"), cmd.String("system")
			o.DropInvalid, o.Rejects, o.Model = cmd.Bool("drop-invalid"), cmd.String("rejects"), cmd.String("model")
			if cmd.Args().Len() != 1 {
				return usageErr("fix: give one INPUT file (or - for standard input)")
			}
			o.Input = cmd.Args().First()
			switch {
			case o.InPlace && o.Output != "":
				return usageErr("fix: give -o PATH or --in-place, not both")
			case o.InPlace && o.Input == "-":
				return usageErr("fix: --in-place needs an input file, not standard input")
			case o.InPlace:
				o.Output = o.Input
			case o.Output == "":
				return usageErr("fix: give -o PATH (or --in-place); the input is never changed otherwise")
			case o.Input != "-" && splitSameFile(o.Input, o.Output):
				return usageErr("fix: -o is the input file; use --in-place to replace it")
			}
			if o.DropInvalid != (o.Rejects != "") {
				return usageErr("fix: --drop-invalid and --rejects PATH go together")
			}
			if o.DropInvalid && o.Output == "-" {
				return usageErr("fix: --drop-invalid needs -o PATH, not standard output")
			}
			if o.Rejects != "" && (splitSameFile(o.Rejects, o.Output) || splitSameFile(o.Rejects, o.Input)) {
				return usageErr("fix: --rejects must be another file")
			}
			if o.System != "" && !o.FromPromptCompletion {
				return usageErr("fix: --system goes with --from-prompt-completion")
			}
			switch o.BOM {
			case "", "add", "remove", "keep":
			default:
				return usageErr("fix: --bom must be add, remove or keep")
			}
			if err := checkTarget("fix", o.Target); err != nil {
				return err
			}
			if err := checkAutoFormat("fix", o.Format); err != nil {
				return err
			}
			return a.runFix(ctx, o)
		},
	}
}

func (a *app) runFix(ctx context.Context, o fixOptions) error {
	var in io.Reader = a.in
	if o.Input != "-" {
		f, err := os.Open(o.Input)
		if err != nil {
			return ioErr(err)
		}
		defer f.Close()
		in = f
		if fi, err := f.Stat(); err == nil && o.InPlace {
			o.Perm = fi.Mode().Perm()
		}
	}
	var rep *fix.Report
	var err error
	repOut := a.out
	if o.Output == "-" {
		repOut = a.err
		rep, err = fix.Run(ctx, in, a.out, o.Options)
	} else {
		rep, err = fix.File(ctx, in, o.Output, o.Options)
	}
	if errors.Is(err, context.Canceled) {
		return ioErr(errors.New("fix: interrupted; nothing written"))
	}
	if err != nil {
		return ioErr(err)
	}
	if o.Output != "-" && (o.Format == "json" || (o.Format == "" && !isTerminal(a.out))) {
		if err := writeJSON(a.out, rep); err != nil {
			return ioErr(err)
		}
		return nil
	}
	name := o.Output
	if name == "-" {
		name = "standard output"
	}
	if !rep.Changed() && len(rep.Rejected) == 0 {
		fmt.Fprintf(repOut, "%s: nothing to repair; %d lines written to %s\n", o.Input, rep.LinesOut, name)
		return nil
	}
	fmt.Fprintf(repOut, "%s -> %s: %d lines\n", o.Input, name, rep.LinesOut)
	for _, r := range rep.Repairs {
		fmt.Fprintf(repOut, "  - %s\n", r.What)
	}
	if len(rep.Rejected) > 0 {
		fmt.Fprintf(repOut, "  - moved %d invalid line(s) to %s (input lines %s)\n", len(rep.Rejected), rep.Rejects, fixIntRanges(rep.Rejected))
	}
	return nil
}

// fixIntRanges renders sorted numbers as 3,7-9.
func fixIntRanges(ns []int) string {
	s := ""
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if s != "" {
			s += ","
		}
		if i == j {
			s += fmt.Sprint(ns[i])
		} else {
			s += fmt.Sprintf("%d-%d", ns[i], ns[j])
		}
		i = j + 1
	}
	return s
}
