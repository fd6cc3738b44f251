package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/validate"
)

// run runs ftprep in-process and returns its exit code, stdout and stderr.
func run(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"ftprep"}, args...), stdin, &out, &errb)
	return code, out.String(), errb.String()
}

// cleanLines are ten valid chat examples (no BOM, so run them with --target openai).
func cleanLines() string {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, `{"messages":[{"role":"system","content":"You answer briefly."},{"role":"user","content":"What is %d + %d?"},{"role":"assistant","content":"%d"}]}`+"\n", i, i, 2*i)
	}
	return b.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type jsonResult struct {
	OK    bool `json:"ok"`
	Files []struct {
		Path     string `json:"path"`
		OK       bool   `json:"ok"`
		Examples int    `json:"examples"`
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
		} `json:"findings"`
		Counts  map[string]int `json:"counts"`
		Omitted map[string]int `json:"omitted"`
	} `json:"files"`
}

func decode(t *testing.T, s string) jsonResult {
	t.Helper()
	var r jsonResult
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return r
}

func TestValidateExitCodes(t *testing.T) {
	clean := writeFile(t, "clean.jsonl", cleanLines())
	bad := writeFile(t, "bad.jsonl", cleanLines()+"{\"messages\": [\n")
	missing := filepath.Join(t.TempDir(), "missing.jsonl")
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // substring of stdout
		err  string // substring of stderr
	}{
		{"clean", []string{"validate", "--target", "openai", clean}, ExitOK, "OK", ""},
		{"errors", []string{"validate", "--target", "openai", bad}, ExitFindings, "bad.jsonl:11", ""},
		{"flags after file", []string{"validate", bad, "--target", "openai", "--format", "json"}, ExitFindings, `"rule": "json-invalid"`, ""},
		{"several files", []string{"validate", "--target", "openai", clean, bad}, ExitFindings, "2 files: ", ""},
		{"missing file", []string{"validate", "--target", "openai", missing, clean}, ExitUsage, "clean.jsonl", "missing.jsonl"},
		{"no input", []string{"validate"}, ExitUsage, "", "no input"},
		{"stdin twice", []string{"validate", "-", "-"}, ExitUsage, "", "only once"},
		{"bad format", []string{"validate", "--format", "xml", clean}, ExitUsage, "", "--format"},
		{"bad target", []string{"validate", "--target", "aws", clean}, ExitUsage, "", "--target"},
		{"bad method", []string{"validate", "--method", "ppo", clean}, ExitUsage, "", "--method"},
		{"bad color", []string{"validate", "--color", "pink", clean}, ExitUsage, "", "--color"},
		{"negative cap", []string{"validate", "--max-findings", "-1", clean}, ExitUsage, "", "--max-findings"},
		{"bad epochs", []string{"validate", "--epochs", "99", clean}, ExitUsage, "", "--epochs"},
		{"unknown flag", []string{"validate", "--frobnicate", clean}, ExitUsage, "", "frobnicate"},
		{"directory", []string{"validate", t.TempDir()}, ExitUsage, "", "directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			if !strings.Contains(out, tc.out) {
				t.Errorf("stdout lacks %q:\n%s", tc.out, out)
			}
			if !strings.Contains(errs, tc.err) {
				t.Errorf("stderr lacks %q:\n%s", tc.err, errs)
			}
		})
	}
}

func TestValidateStdin(t *testing.T) {
	code, out, errs := run(t, strings.NewReader(cleanLines()+"[1,\n"), "validate", "--target", "openai", "--format", "json", "-")
	if code != ExitFindings {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	r := decode(t, out)
	if r.OK || len(r.Files) != 1 || r.Files[0].Path != "-" || r.Files[0].Counts["json-invalid"] != 1 {
		t.Fatalf("stdin result: %+v", r)
	}
	if f := r.Files[0].Findings[0]; f.Line != 11 || f.Severity != "error" {
		t.Errorf("finding %+v, want line 11 error", f)
	}
	code, out, _ = run(t, strings.NewReader(cleanLines()), "validate", "--target", "openai", "-")
	if code != ExitOK || !strings.Contains(out, "<stdin>: OK") {
		t.Errorf("clean stdin: exit %d\n%s", code, out)
	}
}

// badLines returns n different lines of invalid JSON after ten clean examples.
func badLines(n int) string {
	var b strings.Builder
	b.WriteString(cleanLines())
	for i := range n {
		fmt.Fprintf(&b, "{oops %d}\n", i)
	}
	return b.String()
}

func TestValidateMaxFindings(t *testing.T) {
	p := writeFile(t, "many.jsonl", badLines(30))
	_, out, _ := run(t, nil, "validate", "--target", "openai", p)
	if n := strings.Count(out, "error json-invalid"); n != textMaxFindings {
		t.Errorf("text shows %d json-invalid findings, want the default cap %d", n, textMaxFindings)
	}
	if !strings.Contains(out, "10 more json-invalid findings not shown") || !strings.Contains(out, "json-invalid 30") {
		t.Errorf("text lacks the remainder line or the exact count:\n%s", out)
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", "--max-findings", "0", p)
	if n := strings.Count(out, "error json-invalid"); n != 30 {
		t.Errorf("--max-findings 0 shows %d, want 30", n)
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", "--format", "json", p)
	if r := decode(t, out); len(r.Files[0].Findings) != 30 || r.Files[0].Omitted != nil {
		t.Errorf("json without --max-findings: %d findings, omitted %v; want all 30", len(r.Files[0].Findings), r.Files[0].Omitted)
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", "--format", "json", "--max-findings", "5", p)
	r := decode(t, out)
	if len(r.Files[0].Findings) != 5 || r.Files[0].Omitted["json-invalid"] != 25 || r.Files[0].Counts["json-invalid"] != 30 {
		t.Errorf("json --max-findings 5: %d findings, omitted %v, counts %v", len(r.Files[0].Findings), r.Files[0].Omitted, r.Files[0].Counts)
	}
	for i, f := range r.Files[0].Findings {
		if f.Line != 11+i {
			t.Errorf("finding %d on line %d, want %d (in order, first kept)", i, f.Line, 11+i)
		}
	}
}

func TestValidateFormats(t *testing.T) {
	p := writeFile(t, "bad.jsonl", badLines(2))
	_, out, _ := run(t, nil, "validate", "--target", "openai", "--format", "github", p)
	if !strings.Contains(out, "::error file="+p+",line=11") {
		t.Errorf("github output:\n%s", out)
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", "-f", "sarif", p)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) != 2 || sarif.Runs[0].Results[0].RuleID != "json-invalid" {
		t.Errorf("sarif: %v %+v\n%s", err, sarif, out)
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", "--color", "always", p)
	if !strings.Contains(out, "\x1b[") {
		t.Error("--color always printed no colour")
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", p)
	if strings.Contains(out, "\x1b[") {
		t.Error("colour on a non-terminal with --color auto")
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", "--quiet", p)
	if strings.Contains(out, "FAILED") || !strings.Contains(out, "json-invalid") {
		t.Errorf("--quiet:\n%s", out)
	}
}

func TestValidateStrict(t *testing.T) {
	// A blank line is a warning (blank-line): exit 0, or 1 with --strict.
	p := writeFile(t, "blank.jsonl", cleanLines()+"\n")
	if code, _, _ := run(t, nil, "validate", "--target", "openai", p); code != ExitOK {
		t.Errorf("warnings only: exit %d, want 0", code)
	}
	if code, _, _ := run(t, nil, "validate", "--target", "openai", "--strict", p); code != ExitFindings {
		t.Errorf("--strict with a warning: exit %d, want 1", code)
	}
}

func TestValidateUnknownModel(t *testing.T) {
	p := writeFile(t, "clean.jsonl", cleanLines())
	// The engine reports the unknown model as a finding; the CLI then does not repeat it on stderr.
	code, out, errs := run(t, nil, "validate", "--target", "openai", "--model", "gpt-9", "--format", "json", p)
	if code != ExitOK || decode(t, out).Files[0].Counts[modelUnknownRule] != 1 || strings.Contains(errs, "unknown model") {
		t.Errorf("exit %d, %s finding missing or repeated on stderr: %q", code, modelUnknownRule, errs)
	}
	_, out, errs = run(t, nil, "validate", "--target", "openai", "--model", "gpt-4.1-mini", "--format", "json", p)
	if strings.Contains(errs, "unknown model") || decode(t, out).Files[0].Counts[modelUnknownRule] > 0 {
		t.Errorf("known model warned about: %q", errs)
	}
	if _, _, errs := run(t, nil, "stats", "--model", "gpt-9", p); !strings.Contains(errs, `unknown model "gpt-9"`) {
		t.Errorf("stats: no warning for an unknown model: %q", errs)
	}
}

func TestRules(t *testing.T) {
	code, out, _ := run(t, nil, "rules")
	if code != ExitOK || !strings.HasPrefix(out, "RULE") || !strings.Contains(out, "bom-missing") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, nil, "rules", "--format", "json")
	var rules []struct{ ID, Azure, OpenAI, Hint string }
	if err := json.Unmarshal([]byte(out), &rules); err != nil || code != ExitOK {
		t.Fatalf("exit %d, %v", code, err)
	}
	byID := map[string]int{}
	for i, r := range rules {
		byID[r.ID] = i
		if r.Hint == "" || r.Azure == "" || r.OpenAI == "" {
			t.Errorf("rule %s incomplete: %+v", r.ID, r)
		}
		if i > 0 && rules[i-1].ID >= r.ID {
			t.Errorf("rules not sorted at %s", r.ID)
		}
	}
	// Every rule ID issue 2 names is listed.
	for _, id := range strings.Fields(`file-empty file-too-large bom-missing utf8-invalid blank-line json-invalid
		not-object duplicate-key too-few-examples mixed-formats duplicate-example messages-missing messages-invalid
		unknown-key role-missing role-invalid content-missing content-invalid content-empty assistant-missing
		user-missing last-not-assistant weight-invalid weight-not-assistant no-trainable-turn special-token
		tokens-over-limit tools-invalid tool-call-invalid tool-call-arguments-invalid tool-call-undefined
		tool-response-unmatched functions-deprecated image-in-assistant image-url-invalid image-base64-invalid
		image-format-unsupported image-too-large image-detail-invalid too-many-images vision-model-unsupported
		dpo-input-invalid dpo-output-invalid dpo-input-ends-with-assistant dpo-identical-pair rft-last-not-user
		training-tokens-quota`) {
		if _, ok := byID[id]; !ok {
			t.Errorf("rule %s missing from `ftprep rules`", id)
		}
	}
	if r := rules[byID["bom-missing"]]; r.Azure != "error" || r.OpenAI != "off" {
		t.Errorf("bom-missing levels %+v", r)
	}
	if code, _, errs := run(t, nil, "rules", "--format", "xml"); code != ExitUsage || !strings.Contains(errs, "--format") {
		t.Errorf("bad format: exit %d %q", code, errs)
	}
}

func TestStats(t *testing.T) {
	a := writeFile(t, "train.jsonl", cleanLines())
	b := writeFile(t, "valid.jsonl", cleanLines())
	code, out, errs := run(t, nil, "stats", a, b)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	header := strings.SplitN(out, "\n", 2)[0]
	if !strings.Contains(header, a) || !strings.Contains(header, b) || strings.Index(header, a) > strings.Index(header, b) {
		t.Errorf("table header does not list both files in order: %q", header)
	}
	if !strings.Contains(out, "examples") || !strings.Contains(out, "billed tokens") {
		t.Errorf("stats table:\n%s", out)
	}
	code, out, _ = run(t, nil, "stats", "--format", "json", a)
	var sr struct {
		Files []struct {
			Path     string `json:"path"`
			Examples int    `json:"examples"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &sr); err != nil || code != ExitOK || len(sr.Files) != 1 || sr.Files[0].Examples != 10 {
		t.Errorf("stats json: exit %d %v %+v", code, err, sr)
	}
	if strings.Contains(errs, "note:") {
		t.Errorf("note about errors for clean lines (a missing BOM does not affect counting): %q", errs)
	}
	bad := writeFile(t, "bad.jsonl", badLines(2))
	if code, _, errs := run(t, nil, "stats", bad); code != ExitOK || !strings.Contains(errs, "has 2 errors on its lines") {
		t.Errorf("stats on bad lines: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := run(t, nil, "stats"); code != ExitUsage {
		t.Errorf("stats without files: exit %d", code)
	}
	if code, _, _ := run(t, nil, "stats", filepath.Join(t.TempDir(), "nope.jsonl")); code != ExitUsage {
		t.Errorf("stats on a missing file: exit %d", code)
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		read, total int64
		want        string
	}{
		{0, 100 << 20, "f   0% [>                             ] 0/100 MiB"},
		{50 << 20, 100 << 20, "f  50% [===============>              ] 50/100 MiB"},
		{200 << 20, 100 << 20, "f 100% [==============================] 100/100 MiB"},
		{3 << 20, 0, "f 3 MiB"},
	} {
		if got := progressLine("f", tc.read, tc.total); got != tc.want {
			t.Errorf("progressLine(%d, %d) = %q, want %q", tc.read, tc.total, got, tc.want)
		}
	}
	// Not a terminal: no bar, whatever the size.
	var b bytes.Buffer
	if isTerminal(&b) {
		t.Fatal("a buffer is a terminal")
	}
}

// TestSampleDataset checks that the sample the README's demo validates is
// clean: no errors, no warnings, under the default (azure) target.
func TestSampleDataset(t *testing.T) {
	train, valid := filepath.Join("..", "..", "testdata", "sample", "train.jsonl"), filepath.Join("..", "..", "testdata", "sample", "valid.jsonl")
	code, out, errs := run(t, nil, "validate", "--format", "json", train, valid)
	r := decode(t, out)
	if code != ExitOK {
		t.Errorf("exit %d, stderr %s", code, errs)
	}
	for _, f := range r.Files {
		if len(f.Findings) != 0 {
			t.Errorf("%s: findings %+v", f.Path, f.Findings)
		}
	}
	if len(r.Files) != 2 || r.Files[0].Examples != 20 || r.Files[1].Examples != 10 {
		t.Errorf("files %+v", r.Files)
	}
}

func TestProgressBarThrottles(t *testing.T) {
	var b bytes.Buffer
	p := newProgressBar(&b, "f", 100<<20)
	p.update(10 << 20)
	p.update(20 << 20) // within progressEvery of the first: not drawn
	p.done()
	want := "\r" + progressLine("f", 10<<20, 100<<20) + "\x1b[K" + "\r\x1b[K"
	if b.String() != want {
		t.Errorf("bar wrote %q, want %q", b.String(), want)
	}
	b.Reset()
	newProgressBar(&b, "f", 1).done()
	if b.Len() != 0 {
		t.Errorf("an undrawn bar cleared the line: %q", b.String())
	}
}

// TestPreCommitHook checks the hook definition pre-commit reads from the repository root.
func TestPreCommitHook(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- id: ftprep-validate\n", "  entry: ftprep validate\n", "  language: golang\n", `  files: \.jsonl$` + "\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf(".pre-commit-hooks.yaml lacks %q", want)
		}
	}
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
		t.Fatalf("no column for the json-invalid finding on line 11:\n%s", out)
	}
	_, out, _ = run(t, nil, "validate", "--target", "openai", p)
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, ":11:") && strings.Contains(l, "json-invalid") {
			if i+2 >= len(lines) || !strings.HasPrefix(lines[i+1], "    ") || strings.TrimSpace(lines[i+2]) != "^" {
				t.Fatalf("no excerpt and caret after the finding:\n%s", out)
			}
			// The excerpt is ASCII here: the caret sits under the offending "{".
			excerpt, caret := []rune(lines[i+1]), strings.Index(lines[i+2], "^")
			if caret >= len(excerpt) || excerpt[caret] != '{' {
				t.Errorf("caret not under the '{' that breaks the line:\n%s\n%s", lines[i+1], lines[i+2])
			}
			return
		}
	}
	t.Fatalf("no json-invalid finding on line 11:\n%s", out)
}

// TestRuleCatalogMatchesRegistry checks that `ftprep rules` shows the validate
// registry as it is: every rule once, the levels and hints unchanged.
func TestRuleCatalogMatchesRegistry(t *testing.T) {
	reg := validate.Rules()
	cat := report.NewRuleSet(ruleCatalog())
	if len(cat) != len(reg) {
		t.Fatalf("%d rules in the catalogue, %d in the registry", len(cat), len(reg))
	}
	for _, r := range reg {
		c := cat[r.ID]
		for target, sev := range map[string]report.Severity{"azure": r.Severity, "openai": r.SeverityOpenAI} {
			want := sev.String()
			if sev == validate.Off {
				want = report.LevelOff
			}
			if got := c.Level(target); got != want {
				t.Errorf("%s under %s: %q, want %q", r.ID, target, got, want)
			}
		}
		if c.Hint != r.Hint || c.Doc != r.Doc {
			t.Errorf("%s: hint/doc differ", r.ID)
		}
	}
}

// TestBrokenExample runs the documented example file through every format:
// the same findings (by line and rule ID) whatever the format, and the
// target decides whether a missing BOM is reported.
func TestBrokenExample(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "report", "broken.jsonl")
	want := []string{"0 bom-missing", "10 json-invalid", "11 weight-invalid", "12 special-token", "13 content-empty",
		"14 duplicate-example", "15 user-missing", "15 role-invalid", "16 blank-line", "17 messages-missing"}
	for _, target := range []string{"azure", "openai"} {
		code, out, errs := run(t, nil, "validate", "--target", target, "--format", "json", path)
		if code != ExitFindings {
			t.Fatalf("%s: exit %d, %s", target, code, errs)
		}
		var got []string
		for _, f := range decode(t, out).Files[0].Findings {
			got = append(got, fmt.Sprintf("%d %s", f.Line, f.Rule))
		}
		exp := want
		if target == "openai" {
			exp = want[1:]
		}
		if strings.Join(got, ", ") != strings.Join(exp, ", ") {
			t.Errorf("%s findings:\n got %v\nwant %v", target, got, exp)
		}
		_, text, _ := run(t, nil, "validate", "--target", target, path)
		_, gh, _ := run(t, nil, "validate", "--target", target, "--format", "github", path)
		_, sarif, _ := run(t, nil, "validate", "--target", target, "--format", "sarif", path)
		for _, w := range exp {
			line, rule, _ := strings.Cut(w, " ")
			pos := path + ":" + line + ":"
			if line == "0" {
				pos = path + ": "
			}
			if !strings.Contains(text, pos) || !strings.Contains(text, " "+rule+": ") {
				t.Errorf("%s text lacks %s ... %s", target, pos, rule)
			}
			if !strings.Contains(gh, "title=ftprep "+rule+"::") {
				t.Errorf("%s github lacks %s", target, rule)
			}
			if !strings.Contains(sarif, `"ruleId": "`+rule+`"`) {
				t.Errorf("%s sarif lacks %s", target, rule)
			}
		}
		if target == "openai" && strings.Contains(text+gh+sarif, "bom-missing") {
			t.Errorf("bom-missing reported under openai")
		}
	}
}
