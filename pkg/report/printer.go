package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printer renders a processed Result. Output is deterministic: the same
// Result always prints the same bytes.
type Printer interface {
	Print(w io.Writer, r Result) error
}

// Formats lists the names New accepts.
var Formats = []string{"text", "json", "sarif", "github"}

// PrinterOptions configure the printers New makes.
type PrinterOptions struct {
	Color   bool    // text: ANSI colours
	Quiet   bool    // text: findings only, no summaries
	Rules   RuleSet // sarif: rule descriptions; text: hints (optional)
	Version string  // sarif: the tool version
	Target  string  // sarif: rule levels per target
}

// New returns the printer for format (text, json, sarif or github).
func New(format string, o PrinterOptions) (Printer, error) {
	switch format {
	case "text", "":
		return &TextPrinter{Color: o.Color, Quiet: o.Quiet}, nil
	case "json":
		return JSONPrinter{}, nil
	case "sarif":
		return &SARIFPrinter{Rules: o.Rules, Version: o.Version, Target: o.Target}, nil
	case "github":
		return GitHubPrinter{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (known: %s)", format, strings.Join(Formats, ", "))
}

// JSONPrinter writes the Result as indented JSON (the pinned contract in docs/validate.md).
type JSONPrinter struct{}

// Print writes r as JSON followed by a newline.
func (JSONPrinter) Print(w io.Writer, r Result) error { return writeJSON(w, r) }

// writeJSON writes v indented, followed by a newline, without HTML escaping
// (so "<|endoftext|>" stays readable).
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// group formats n with thousands separators: 1234567 → "1,234,567".
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// plural returns "1 error", "2 errors".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return group(int64(n)) + " " + word + "s"
}

// visible makes s safe to print on one terminal line: control characters
// become '·' and invalid UTF-8 bytes '�'. It also returns, for byte offset
// col0 (0-based) in s, the number of runes printed before it.
func visible(s string, col0 int) (string, int) {
	var b strings.Builder
	runes, caret := 0, -1
	for i := 0; i < len(s); {
		if caret < 0 && i >= col0 {
			caret = runes
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteRune('\uFFFD')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			b.WriteRune('·')
		default:
			b.WriteString(s[i : i+n])
		}
		runes++
		i += n
	}
	if caret < 0 {
		caret = runes
	}
	return b.String(), caret
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// DisplayPath is how text reports name an input: "<stdin>" for "-".
func DisplayPath(p string) string {
	if p == "-" {
		return "<stdin>"
	}
	return p
}
