package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/report")

const goldenDir = "../../testdata/report"

// fixture is a hand-built, processed result covering every printer feature:
// a syntax error with an excerpt, pointers, a whole-file finding, a capped
// rule, token statistics with a histogram, stdin and a file without tokens.
func fixture() Result {
	r := Result{Files: []FileResult{
		{
			Path: "data/train.jsonl", Format: "sft", Bytes: 123456, Examples: 240, BOM: false,
			Findings: []Finding{
				{Rule: "bom-missing", Severity: Error, Message: "file has no UTF-8 byte-order mark; Azure requires one"},
				{Rule: "json-invalid", Severity: Error, Line: 3, Column: 24, Message: "invalid character 'x' after object key",
					Excerpt: `{"messages": [{"rolé" x "user"}]}`, ExcerptCol: 24},
				{Rule: "weight-invalid", Severity: Error, Line: 7, Column: 88, Pointer: "/messages/2/weight", Message: "weight must be 0 or 1, not 0.5"},
				{Rule: "blank-line", Severity: Warning, Line: 9, Message: "blank line"},
				{Rule: "blank-line", Severity: Warning, Line: 10, Message: "blank line"},
				{Rule: "blank-line", Severity: Warning, Line: 11, Message: "blank line"},
				{Rule: "tool-call-undefined", Severity: Warning, Line: 12, Column: 40, Pointer: "/messages/1/tool_calls/0/function/name",
					Message: "calls \"get_weather\", which the line's tools do not declare, with a comma, a colon: and 100%"},
			},
			Tokens: &TokenStats{
				Encoding: "o200k_base", Total: 40321, Min: 12, Max: 70000, Mean: 168.0, P50: 120, P90: 300, P95: 410, P99: 900,
				Assistant: 15000, Trainable: 14000, OverLimit: 1, Limit: 65536, Epochs: 3, EpochsEstimated: true,
				BilledTokens: 3 * (40321 - 70000 + 65536), ImagesUnknown: 2,
				Histogram: []Bucket{{Lo: 8, Hi: 16, Count: 3}, {Lo: 16, Hi: 32, Count: 0}, {Lo: 32, Hi: 64, Count: 40},
					{Lo: 64, Hi: 128, Count: 120}, {Lo: 128, Hi: 256, Count: 70}, {Lo: 256, Hi: 512, Count: 5}, {Lo: 65536, Hi: 131072, Count: 1}},
			},
		},
		{
			Path: "-", Format: "dpo", Bytes: 2048, Examples: 12, BOM: true,
			Findings: []Finding{{Rule: "dpo-identical-pair", Severity: Warning, Line: 4, Pointer: "/preferred_output", Message: "preferred and non-preferred outputs are identical"}},
			Tokens: &TokenStats{Encoding: "cl100k_base", Total: 1200, Min: 80, Max: 130, Mean: 100, P50: 100, P90: 120, P95: 125, P99: 130,
				Assistant: 400, Trainable: 400, Limit: 16385, Epochs: 2, BilledTokens: 2400,
				Histogram: []Bucket{{Lo: 64, Hi: 128, Count: 11}, {Lo: 128, Hi: 256, Count: 1}}},
		},
		{Path: "notokens.jsonl", Format: "sft", Bytes: 10, Examples: 10, BOM: true},
	}}
	Process(&r, ProcessOptions{Target: "azure", Rules: testRules(), MaxPerRule: 2})
	return r
}

func testRules() RuleSet {
	return NewRuleSet([]RuleInfo{
		{ID: "bom-missing", Azure: LevelError, OpenAI: LevelOff, Hint: "add a BOM"},
		{ID: "json-invalid", Azure: LevelError, OpenAI: LevelError, Hint: "fix the JSON", Doc: "Each line must be one complete JSON value."},
		{ID: "blank-line", Azure: LevelWarning, OpenAI: LevelWarning, Hint: "remove empty lines"},
	})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/report -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./pkg/report -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func render(t *testing.T, p Printer, r Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.Print(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGoldens(t *testing.T) {
	r := fixture()
	empty := Result{}
	Process(&empty, ProcessOptions{})
	for _, tc := range []struct {
		golden string
		p      Printer
		r      Result
	}{
		{"text.golden", &TextPrinter{}, r},
		{"text-color.golden", &TextPrinter{Color: true}, r},
		{"text-quiet.golden", &TextPrinter{Quiet: true}, r},
		{"json.golden", JSONPrinter{}, r},
		{"json-empty.golden", JSONPrinter{}, empty},
		{"sarif.golden", &SARIFPrinter{Rules: testRules(), Version: "v1.2.3", Target: "azure"}, r},
		{"sarif-empty.golden", &SARIFPrinter{}, empty},
		{"github.golden", GitHubPrinter{}, r},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			a, b := render(t, tc.p, tc.r), render(t, tc.p, tc.r)
			if !bytes.Equal(a, b) {
				t.Fatal("output differs between two runs")
			}
			golden(t, tc.golden, a)
		})
	}
	var b bytes.Buffer
	if err := PrintStats(&b, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "stats.golden", b.Bytes())
	b.Reset()
	if err := PrintStatsJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "stats-json.golden", b.Bytes())
	b.Reset()
	if err := PrintRules(&b, testRules().Sorted()); err != nil {
		t.Fatal(err)
	}
	golden(t, "rules.golden", b.Bytes())
}

func TestTextContent(t *testing.T) {
	out := string(render(t, &TextPrinter{}, fixture()))
	for _, want := range []string{
		"data/train.jsonl: error bom-missing: file has no UTF-8",
		"data/train.jsonl:3:24: error json-invalid: invalid character",
		"data/train.jsonl:7:88: error weight-invalid: weight must be 0 or 1, not 0.5 (/messages/2/weight)",
		"data/train.jsonl: 1 more blank-line findings not shown",
		"3 files: 3 errors, 5 warnings",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	// The caret sits under byte 24 of the excerpt, counted in runes (é is 2 bytes).
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "    {\"messages\"") {
			caret := lines[i+1]
			if strings.Index(caret, "^") != 4+22 {
				t.Errorf("caret at %d, want %d:\n%s\n%s", strings.Index(caret, "^"), 4+22, l, caret)
			}
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes without Color")
	}
	if c := string(render(t, &TextPrinter{Color: true}, fixture())); !strings.Contains(c, "\x1b[1m\x1b[31merror\x1b[0m") {
		t.Error("no red error with Color")
	}
	q := string(render(t, &TextPrinter{Quiet: true}, fixture()))
	if strings.Contains(q, "tokens (") || strings.Contains(q, "FAILED") || !strings.Contains(q, "json-invalid") {
		t.Errorf("quiet output wrong:\n%s", q)
	}
}

func TestJSONContract(t *testing.T) {
	var got map[string]any
	if err := json.Unmarshal(render(t, JSONPrinter{}, fixture()), &got); err != nil {
		t.Fatal(err)
	}
	if got["ok"] != false {
		t.Errorf("ok = %v", got["ok"])
	}
	files := got["files"].([]any)
	f0 := files[0].(map[string]any)
	for _, k := range []string{"path", "ok", "format", "bytes", "examples", "bom", "findings", "counts", "tokens"} {
		if _, ok := f0[k]; !ok {
			t.Errorf("files[0] lacks %q", k)
		}
	}
	x := f0["findings"].([]any)[1].(map[string]any)
	for _, k := range []string{"rule", "severity", "line", "column", "pointer", "message"} {
		if _, ok := x[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	if x["severity"] != "error" {
		t.Errorf("severity %v", x["severity"])
	}
	tok := f0["tokens"].(map[string]any)
	for _, k := range []string{"encoding", "total", "min", "max", "mean", "p50", "p90", "p95", "p99", "assistant", "trainable", "over_limit", "limit", "epochs", "billed_tokens", "histogram"} {
		if _, ok := tok[k]; !ok {
			t.Errorf("tokens lacks %q", k)
		}
	}
	if c := f0["counts"].(map[string]any)["blank-line"]; c != float64(3) {
		t.Errorf("counts[blank-line] = %v, want the exact 3 despite the cap", c)
	}
	f2 := files[2].(map[string]any)
	if fs, ok := f2["findings"].([]any); !ok || len(fs) != 0 {
		t.Errorf("empty findings = %#v, want []", f2["findings"])
	}
	r := fixture()
	r.Files[0].Findings[0].Message = "contains <|endoftext|> & more"
	if s := string(render(t, JSONPrinter{}, r)); !strings.Contains(s, `"contains <|endoftext|> & more"`) {
		t.Errorf("JSON escapes HTML characters: %s", s)
	}
	empty := Result{}
	Process(&empty, ProcessOptions{})
	if s := string(render(t, JSONPrinter{}, empty)); !strings.Contains(s, `"files": []`) {
		t.Errorf("empty result: %s", s)
	}
}

func TestGitHubEscaping(t *testing.T) {
	out := string(render(t, GitHubPrinter{}, fixture()))
	for _, want := range []string{
		"::error file=data/train.jsonl,title=ftprep bom-missing::bom-missing: file has no UTF-8",
		"::error file=data/train.jsonl,line=3,col=24,title=ftprep json-invalid::",
		"::warning file=data/train.jsonl,line=9,title=ftprep blank-line::",
		"with a comma, a colon: and 100%25",
		"::warning file=<stdin>,line=4,title=ftprep dpo-identical-pair::",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("github output lacks %q:\n%s", want, out)
		}
	}
	if p := ghProperty("a,b:c%\n"); p != "a%2Cb%3Ac%25%0A" {
		t.Errorf("ghProperty = %q", p)
	}
}

func TestNewFormats(t *testing.T) {
	for _, f := range Formats {
		if _, err := New(f, PrinterOptions{}); err != nil {
			t.Errorf("New(%q): %v", f, err)
		}
	}
	if _, err := New("xml", PrinterOptions{}); err == nil {
		t.Error("New(xml) succeeded")
	}
}
