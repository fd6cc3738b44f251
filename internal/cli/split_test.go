package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/split"
	"github.com/ftprep/ftprep/pkg/testenv"
)

func splitRunCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"ftprep"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestSplitCLI(t *testing.T) {
	in := filepath.Join(testenv.RepoRoot(t), "testdata", "split", "input.jsonl")
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr, va := filepath.Join(dir, "t.jsonl"), filepath.Join(dir, "v.jsonl")

	code, out, stderr := splitRunCLI(t, "", "split", in, "--train", tr, "--valid", va, "--dedupe", "--no-tokens")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m, err := split.ReadManifest(strings.NewReader(out))
	if err != nil {
		t.Fatalf("stdout is not a manifest: %v\n%s", err, out)
	}
	if m.Train.Path != tr || m.Valid.Path != va || m.Seed != 42 || m.Target != "azure" || m.DuplicatesRemoved == 0 {
		t.Errorf("manifest %+v", m)
	}
	first, _ := os.ReadFile(tr)

	// stdin gives the same files; --format text prints the summary.
	code, out, stderr = splitRunCLI(t, string(data), "split", "-", "--train", tr, "--valid", va, "--dedupe", "--format", "text")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if again, _ := os.ReadFile(tr); !bytes.Equal(first, again) {
		t.Error("stdin split differs from the path split")
	}
	if !strings.Contains(out, "examples") || !strings.Contains(out, "duplicates removed") {
		t.Errorf("summary: %q", out)
	}
}

func TestSplitCLIRefusedAndUsage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(testenv.RepoRoot(t), "testdata", "split", "input.jsonl")
	data, _ := os.ReadFile(in)
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, append(append([]byte{}, data...), "{nope\n"...), 0o644)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	tr, va := filepath.Join(out, "t"), filepath.Join(out, "v")
	badLine := fmt.Sprintf("bad.jsonl:%d", bytes.Count(data, []byte("\n"))+1)

	code, stdout, stderr := splitRunCLI(t, "", "split", bad, "--train", tr, "--valid", va)
	if code != ExitFindings || stdout != "" || !strings.Contains(stderr, badLine) {
		t.Errorf("invalid input: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if es, _ := os.ReadDir(out); len(es) != 0 {
		t.Errorf("files written on refusal: %v", es)
	}
	rj := filepath.Join(out, "rejects.jsonl")
	code, _, stderr = splitRunCLI(t, "", "split", bad, "--train", tr, "--valid", va, "--skip-invalid", "--rejects", rj)
	if code != ExitOK || !strings.Contains(stderr, badLine) {
		t.Errorf("--skip-invalid: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(rj); string(b) != "{nope\n" {
		t.Errorf("rejects = %q", b)
	}

	for _, args := range [][]string{
		{"split", in, "--train", tr},
		{"split", "--train", tr, "--valid", va},
		{"split", in, "--train", tr, "--valid", tr},
		{"split", in, "--train", in, "--valid", va},
		{"split", in, "--train", tr, "--valid", va, "--valid-ratio", "0.2", "--valid-count", "5"},
		{"split", in, "--train", tr, "--valid", va, "--valid-ratio", "1.5"},
		{"split", in, "--train", tr, "--valid", va, "--skip-invalid"},
		{"split", in, "--train", tr, "--valid", va, "--target", "gcp"},
		{"split", in, "--train", tr, "--valid", va, "--max-train-bytes", "lots"},
		{"split", in, "--train", tr, "--valid", va, "--group-by", "messages"},
	} {
		if code, _, stderr := splitRunCLI(t, "", args...); code != ExitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	code, _, stderr = splitRunCLI(t, "", "split", filepath.Join(dir, "missing.jsonl"), "--train", tr, "--valid", va)
	if code != ExitUsage || !strings.Contains(stderr, "missing.jsonl") {
		t.Errorf("missing input: exit %d, %q", code, stderr)
	}
	// Too few examples: a clear error, exit 1.
	small := filepath.Join(dir, "small.jsonl")
	os.WriteFile(small, bytes.Join(bytes.SplitAfter(data, []byte("\n"))[:30], nil), 0o644)
	code, _, stderr = splitRunCLI(t, "", "split", small, "--train", tr, "--valid", va)
	if code != ExitFindings || !strings.Contains(stderr, "at least 10") {
		t.Errorf("small input: exit %d, %q", code, stderr)
	}
}

func TestSplitHelp(t *testing.T) {
	code, out, _ := splitRunCLI(t, "", "split", "--help")
	if code != ExitOK || !strings.Contains(out, "ftprep split corpus.jsonl --train") || !strings.Contains(out, "--group-by") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}

func TestSplitParseSize(t *testing.T) {
	for s, want := range map[string]int64{"1048576": 1 << 20, "200MiB": 200 << 20, "500MB": 500e6, "1.5GiB": 3 << 29, "64k": 64 << 10} {
		if got, err := splitParseSize(s); err != nil || got != want {
			t.Errorf("splitParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "MB", "x"} {
		if _, err := splitParseSize(s); err == nil {
			t.Errorf("splitParseSize(%q) accepted", s)
		}
	}
	if got := splitLineRanges([]split.LineRef{{Input: "a", Line: 1}, {Input: "a", Line: 2}, {Input: "a", Line: 3}, {Input: "a", Line: 7}, {Input: "b", Line: 2}}); got != "a:1-3,7 b:2" {
		t.Errorf("ranges %q", got)
	}
}

func TestSplitCLIInterruptedAndFlags(t *testing.T) {
	in := filepath.Join(testenv.RepoRoot(t), "testdata", "split", "input.jsonl")
	dir := t.TempDir()
	tr, va := filepath.Join(dir, "t.jsonl"), filepath.Join(dir, "v.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"ftprep", "split", in, "--train", tr, "--valid", va}, strings.NewReader(""), &out, &errb)
	if code != ExitUsage || !strings.Contains(errb.String(), "nothing written") {
		t.Errorf("interrupted: exit %d, %q", code, errb.String())
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("interrupted run left %v", es)
	}
	code, stdout, stderr := splitRunCLI(t, "", "split", in, "--train", tr, "--valid", va, "--valid-count", "15", "--seed", "7",
		"--target", "openai", "--max-train-examples", "50", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m, err := split.ReadManifest(strings.NewReader(stdout))
	if err != nil || m.Valid.Examples != 15 || m.Train.Examples != 50 || m.Seed != 7 || m.Target != "openai" || m.SampledOut == 0 {
		t.Errorf("manifest %+v %v", m, err)
	}
	if b, _ := os.ReadFile(tr); bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Error("openai output has a BOM")
	}
}
