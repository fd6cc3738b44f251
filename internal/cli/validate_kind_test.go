package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateKind: a small validation file warns (exit 0); as a training file it fails (exit 1).
func TestValidateKind(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sft_val.jsonl")
	line := `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}` + "\n"
	if err := os.WriteFile(path, []byte(strings.Repeat(line, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind string
		code int
	}{{"auto", 0}, {"valid", 0}, {"train", 1}} {
		code, out, errOut := run(t, nil, "validate", path, "--target", "openai", "--kind", tc.kind)
		if code != tc.code || !strings.Contains(out+errOut, "too-few-examples") {
			t.Errorf("--kind %s: exit %d, want %d\n%s%s", tc.kind, code, tc.code, out, errOut)
		}
	}
	if code, _, _ := run(t, nil, "validate", path, "--kind", "bogus"); code != ExitUsage {
		t.Errorf("--kind bogus: exit %d, want %d", code, ExitUsage)
	}
}
