// Package cli wires ftprep's commands: each command's Action fills an options
// struct, checks usage and calls a run function; the libraries under pkg/ do the work.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	ucli "github.com/urfave/cli/v3"
	"golang.org/x/term"
)

// Exit codes, decided here and nowhere else.
const (
	ExitOK       = 0 // no errors
	ExitFindings = 1 // errors found (or warnings with --strict), or a remote operation failed
	ExitUsage    = 2 // usage or I/O failure
)

// app carries the process's streams so the whole CLI runs in-process in tests.
type app struct {
	in       io.Reader
	out, err io.Writer
}

// exitError carries an exit code through urfave/cli.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// usageErr makes a usage failure (exit 2).
func usageErr(format string, a ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, a...)}
}

// ioErr makes an I/O or environment failure (exit 2).
func ioErr(err error) error { return &exitError{code: ExitUsage, err: err} }

// failErr makes a failure of the checked thing (exit 1).
func failErr(err error) error { return &exitError{code: ExitFindings, err: err} }

// silentExit ends with code and prints nothing more (the command has reported already).
func silentExit(code int) error { return &exitError{code: code} }

// Main runs ftprep with args (args[0] is the program name) and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{in: stdin, out: stdout, err: stderr}
	root := a.root()
	err := root.Run(ctx, args)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "ftprep: %v\n", ee.err)
		}
		return ee.code
	}
	// Errors from urfave/cli itself (unknown flag, bad value) are usage errors.
	fmt.Fprintf(stderr, "ftprep: %v\n", err)
	return ExitUsage
}

func (a *app) root() *ucli.Command {
	root := &ucli.Command{
		Name:  "ftprep",
		Usage: "validate, split and submit fine-tuning datasets for Azure OpenAI and OpenAI",
		Description: "ftprep moves every dataset failure the service would report late to your laptop and CI,\n" +
			"then drives the rest of the workflow:\n\n" +
			"   ftprep validate train.jsonl                    # check every rule, count tokens, estimate cost\n" +
			"   ftprep split data.jsonl --train t.jsonl --valid v.jsonl | ftprep submit --model gpt-4.1-mini-2025-04-14 -\n" +
			"   ftprep jobs show ftjob-...                     # then results, deploy, chat, clean-up",
		Reader:                a.in,
		Writer:                a.out,
		ErrWriter:             a.err,
		EnableShellCompletion: true,
		Suggest:               true,
		HideHelpCommand:       true,
		ExitErrHandler:        func(context.Context, *ucli.Command, error) {},
		OnUsageError: func(_ context.Context, _ *ucli.Command, err error, _ bool) error {
			return usageErr("%v (see --help)", err)
		},
		Commands: []*ucli.Command{
			a.validateCommand(),
			a.rulesCommand(),
			a.statsCommand(),
			a.splitCommand(),
			a.fixCommand(),
			a.uploadCommand(),
			a.importCommand(),
			a.filesCommand(),
			a.submitCommand(),
			a.jobsCommand(),
			a.resultsCommand(),
			a.deployCommand(),
			a.deploymentsCommand(),
			a.chatCommand(),
		},
	}
	noSliceSeparator(root)
	return root
}

// noSliceSeparator sets DisableSliceFlagSeparator on cmd and every
// subcommand (urfave/cli reads it from the command that owns the flag, not
// from the root), so a repeated slice flag is never split on commas:
// `--metadata note=a,b` is one pair.
func noSliceSeparator(cmd *ucli.Command) {
	cmd.DisableSliceFlagSeparator = true
	for _, c := range cmd.Commands {
		noSliceSeparator(c)
	}
}

// isTerminal reports whether w is a terminal (for colour, progress bars and
// choosing human output over JSON).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// useColor reports whether to colour output written to w (terminal, NO_COLOR unset).
func useColor(w io.Writer) bool {
	_, noColor := os.LookupEnv("NO_COLOR")
	return !noColor && isTerminal(w)
}
