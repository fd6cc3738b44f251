package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/fix"
)

const fixLine = `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}`

func TestFixCLI(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	orig := fixLine + "\r\n\r\n" + `{"prompt":"q","completion":"a"}` + "\r\n{bad\r\n"
	os.WriteFile(in, []byte(orig), 0o644)
	out, rj := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "rj.jsonl")

	code, stdout, stderr := splitRunCLI(t, "", "fix", in, "-o", out, "--target", "openai", "--from-prompt-completion", "--system", "S", "--drop-invalid", "--rejects", rj)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep fix.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout)
	}
	if rep.LinesOut != 2 || len(rep.Rejected) != 1 || rep.Rejected[0] != 4 || len(rep.Repairs) != 3 {
		t.Errorf("report %+v", rep)
	}
	got, _ := os.ReadFile(out)
	want := fixLine + "\n" + `{"messages":[{"role":"system","content":"S"},{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}` + "\n"
	if string(got) != want {
		t.Errorf("output %q", got)
	}
	if b, _ := os.ReadFile(in); string(b) != orig {
		t.Error("input changed without --in-place")
	}

	// Text report, stdin to stdout (report on stderr).
	code, stdout, stderr = splitRunCLI(t, fixLine+"\r\n", "fix", "-", "-o", "-", "--format", "text")
	if code != ExitOK || stdout != "\xef\xbb\xbf"+fixLine+"\n" || !strings.Contains(stderr, "CRLF") {
		t.Errorf("stdin->stdout: exit %d, %q, %q", code, stdout, stderr)
	}

	// In place keeps the file's mode.
	os.Chmod(in, 0o600)
	code, stdout, stderr = splitRunCLI(t, "", "fix", in, "--in-place", "--format", "text", "--target", "openai")
	if code != ExitOK || !strings.Contains(stdout, "blank line") {
		t.Errorf("in place: exit %d, %q %q", code, stdout, stderr)
	}
	if fi, _ := os.Stat(in); fi.Mode().Perm() != 0o600 {
		t.Errorf("in place mode %v", fi.Mode().Perm())
	}

	for _, args := range [][]string{
		{"fix", in},
		{"fix", in, "-o", in},
		{"fix", in, "-o", out, "--in-place"},
		{"fix", "-", "--in-place"},
		{"fix", in, "-o", out, "--drop-invalid"},
		{"fix", in, "-o", "-", "--drop-invalid", "--rejects", rj},
		{"fix", in, "-o", out, "--bom", "maybe"},
		{"fix", in, "-o", out, "--system", "S"},
		{"fix", in, out},
	} {
		if code, _, stderr := splitRunCLI(t, "", args...); code != ExitUsage || stderr == "" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	code, _, _ = splitRunCLI(t, "", "fix", filepath.Join(dir, "nope"), "-o", out)
	if code != ExitUsage {
		t.Errorf("missing input: exit %d", code)
	}
	code, out2, _ := splitRunCLI(t, "", "fix", "--help")
	if code != ExitOK || !strings.Contains(out2, "--from-prompt-completion") || !strings.Contains(out2, "Examples") {
		t.Errorf("help: %d %s", code, out2)
	}
}
