package cli

import (
	"encoding/json"
	"io"

	ucli "github.com/urfave/cli/v3"
)

// Flags and checks several commands share. Each command keeps its own help
// text where the meaning differs (e.g. --model, --target).

// formatFlag is --format for commands that print text unless asked for json.
func formatFlag() ucli.Flag {
	return &ucli.StringFlag{Name: "format", Usage: "output format: text or json", Value: "text"}
}

// checkFormat checks a --format value of formatFlag.
func checkFormat(f string) error {
	if f != "text" && f != "json" {
		return usageErr("--format %q: want text or json", f)
	}
	return nil
}

// checkAutoFormat checks the --format of commands whose default ("") is text
// on a terminal and json otherwise.
func checkAutoFormat(command, f string) error {
	if f != "" && f != "text" && f != "json" {
		return usageErr("%s: --format must be text or json, got %q", command, f)
	}
	return nil
}

// checkTarget checks --target: the service whose rules apply.
func checkTarget(command, t string) error {
	if t != "azure" && t != "openai" {
		return usageErr("%s: --target must be azure or openai, got %q", command, t)
	}
	return nil
}

// writeJSON writes v as indented JSON: the --format json output of every command.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
