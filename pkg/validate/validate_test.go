package validate

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/validate/*.want from the current results")

// caseOptions reads NAME.flags: space-separated key=value pairs (target,
// model, method, epochs, notokens, ignore=rule,rule). Defaults: target
// openai (no bom-missing) and ignore=too-few-examples, so small cases list
// only what they are about.
func caseOptions(t *testing.T, path string) (Options, map[string]bool) {
	o := Options{Target: TargetOpenAI}
	ignore := map[string]bool{"too-few-examples": true}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return o, ignore
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range strings.Fields(string(b)) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "target":
			o.Target = v
		case "model":
			o.Model = v
		case "method":
			o.Method = v
		case "epochs":
			o.Epochs, err = strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
		case "notokens":
			o.NoTokens = true
		case "ignore":
			ignore = map[string]bool{}
			for _, r := range strings.Split(v, ",") {
				if r != "" {
					ignore[r] = true
				}
			}
		default:
			t.Fatalf("%s: unknown flag %q", path, k)
		}
	}
	return o, ignore
}

// wantLines renders findings as "line:col rule pointer" lines.
func wantLines(fs []report.Finding, ignore map[string]bool) string {
	var b strings.Builder
	for _, f := range fs {
		if ignore[f.Rule] {
			continue
		}
		fmt.Fprintf(&b, "%d:%d %s %s\n", f.Line, f.Column, f.Rule, f.Pointer)
	}
	return b.String()
}

// TestCases runs every testdata/validate/NAME.jsonl and compares its findings
// with NAME.want (go test -run TestCases -update rewrites the .want files).
func TestCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(t), "testdata", "validate", "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	covered := map[string]bool{}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		t.Run(name, func(t *testing.T) {
			o, ignore := caseOptions(t, strings.TrimSuffix(path, ".jsonl")+".flags")
			res, err := ValidateFile(context.Background(), path, o)
			if err != nil {
				t.Fatal(err)
			}
			got := wantLines(res.Findings, ignore)
			wantPath := strings.TrimSuffix(path, ".jsonl") + ".want"
			if *update {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("findings differ from %s\n--- got\n%s--- want\n%s", filepath.Base(wantPath), got, want)
			}
			for _, f := range res.Findings {
				checkPosition(t, path, f)
				covered[f.Rule] = true
			}
		})
	}
	if *update || t.Failed() {
		return
	}
	// A case whose name is a rule ID must report that rule.
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		if _, ok := LookupRule(name); ok && !covered[name] {
			t.Errorf("case %s does not report rule %s", name, name)
		}
	}
}

// checkPosition asserts a finding's position is inside its file and line.
func checkPosition(t *testing.T, path string, f report.Finding) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	lines := bytes.Split(data, []byte("\n"))
	if f.Line < 0 || f.Line > len(lines) {
		t.Errorf("%v: line out of range (file has %d)", f, len(lines))
		return
	}
	if f.Line == 0 {
		if f.Column != 0 || f.Pointer != "" {
			t.Errorf("%v: a whole-file finding has a column or pointer", f)
		}
		return
	}
	l := bytes.TrimSuffix(lines[f.Line-1], []byte("\r"))
	if f.Column < 0 || f.Column > len(l)+1 {
		t.Errorf("%v: column %d outside the line (%d bytes)", f, f.Column, len(l))
	}
	if f.Pointer != "" && !strings.HasPrefix(f.Pointer, "/") {
		t.Errorf("%v: pointer %q is not RFC 6901", f, f.Pointer)
	}
	if f.Message == "" {
		t.Errorf("%v: empty message", f)
	}
	if _, ok := LookupRule(f.Rule); !ok {
		t.Errorf("%v: unregistered rule", f)
	}
}

// TestEveryRuleHasACase keeps the registry and the testdata in step.
func TestEveryRuleHasACase(t *testing.T) {
	dir := filepath.Join(testenv.RepoRoot(t), "testdata", "validate")
	// Rules tested in Go rather than by a testdata file (they need huge or broken input).
	inGo := map[string]bool{"file-too-large": true, "internal-error": true, "image-too-large": true}
	for _, r := range Rules() {
		if inGo[r.ID] {
			continue
		}
		want, err := os.ReadFile(filepath.Join(dir, r.ID+".want"))
		if err != nil {
			t.Errorf("rule %s has no testdata case (%v)", r.ID, err)
			continue
		}
		if !bytes.Contains(want, []byte(" "+r.ID+" ")) {
			t.Errorf("%s.want does not list rule %s", r.ID, r.ID)
		}
	}
}

func TestRulesRegistry(t *testing.T) {
	rs := Rules()
	if !sort.SliceIsSorted(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID }) {
		t.Error("Rules() is not sorted by ID")
	}
	seen := map[string]bool{}
	for _, r := range rs {
		if seen[r.ID] {
			t.Errorf("rule %s registered twice", r.ID)
		}
		seen[r.ID] = true
		if r.Doc == "" || r.Hint == "" {
			t.Errorf("rule %s lacks Doc or Hint", r.ID)
		}
		if r.Severity == Off {
			t.Errorf("rule %s is off under azure, the default target", r.ID)
		}
	}
	// Severities the issue pins.
	for id, want := range map[string][2]report.Severity{
		"bom-missing":       {report.Error, Off},
		"json-invalid":      {report.Error, report.Error},
		"blank-line":        {report.Warning, report.Warning},
		"duplicate-example": {report.Warning, report.Warning},
		"tokens-over-limit": {report.Warning, report.Warning},
		"content-empty":     {report.Warning, report.Warning},
		"special-token":     {report.Error, report.Error},
	} {
		r, ok := LookupRule(id)
		if !ok {
			t.Errorf("rule %s missing", id)
			continue
		}
		if r.Severity != want[0] || r.SeverityOpenAI != want[1] {
			t.Errorf("rule %s: severities %v/%v, want %v/%v", id, r.Severity, r.SeverityOpenAI, want[0], want[1])
		}
		if _, ok := r.SeverityFor(TargetOpenAI); ok != (want[1] != Off) {
			t.Errorf("rule %s: SeverityFor(openai) ok=%v", id, ok)
		}
	}
}
