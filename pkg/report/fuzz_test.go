package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzPrinters feeds arbitrary paths, messages, pointers and excerpts to every
// printer: no panic, JSON and SARIF stay valid JSON, a GitHub annotation stays
// on one line, the text caret stays inside its excerpt line.
func FuzzPrinters(f *testing.F) {
	f.Add("data.jsonl", "json-invalid", "bad\nthing, 100%: x", "/a/b", "{\"é\": \x01}", 3, 5)
	f.Add("-", "", "", "", "", 0, 0)
	f.Add("a b/c#d.jsonl", "r", "\r\n", "/~0~1", "\xff\xfe", 1, -4)
	f.Add("x\n::error y", "r\n::error z", "m", "", "", 1, 1)
	f.Fuzz(func(t *testing.T, path, rule, msg, pointer, excerpt string, line, col int) {
		line, col = max(0, line%1000), max(0, col%1000)
		r := Result{Files: []FileResult{{Path: path, Findings: []Finding{
			{Rule: rule, Severity: Error, Line: line, Column: col, Pointer: pointer, Message: msg, Excerpt: excerpt, ExcerptCol: col},
			{Rule: rule, Severity: Warning, Line: line + 1, Message: msg},
		}, Tokens: &TokenStats{Histogram: []Bucket{{Lo: 0, Hi: 1, Count: line}}}}}}
		Process(&r, ProcessOptions{MaxPerRule: 1})
		for _, format := range Formats {
			p, _ := New(format, PrinterOptions{})
			var b bytes.Buffer
			if err := p.Print(&b, r); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := b.String()
			switch format {
			case "json", "sarif":
				if !json.Valid(b.Bytes()) {
					t.Fatalf("%s output is not JSON:\n%s", format, out)
				}
			case "github":
				// One finding survives the cap: exactly one line is a workflow command.
				n := 0
				for _, l := range strings.Split(out, "\n") {
					if strings.HasPrefix(l, "::") {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("%d workflow commands, want 1:\n%s", n, out)
				}
			}
		}
	})
}
