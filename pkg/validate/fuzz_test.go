package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/testenv"
)

// FuzzValidateLine: the line checks never panic (a recovered panic would show
// as internal-error), every finding has a valid position, a registered rule
// and a message, and the result is deterministic.
func FuzzValidateLine(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(f), "testdata", "validate", "*.jsonl"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(l) < 4096 {
				f.Add(l)
			}
		}
	}
	k, err := NewChecker(Options{Target: TargetOpenAI})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			t.Skip("one physical line only")
		}
		fs, l := k.Check(1, line)
		for _, x := range fs {
			if x.Rule == "internal-error" {
				t.Fatalf("a check panicked: %s", x.Message)
			}
			if _, ok := LookupRule(x.Rule); !ok || x.Message == "" {
				t.Fatalf("bad finding %+v", x)
			}
			if x.Line != 1 || x.Column < 0 || x.Column > len(line)+1 {
				t.Fatalf("position out of range (line has %d bytes): %+v", len(line), x)
			}
			if x.Pointer != "" && !strings.HasPrefix(x.Pointer, "/") {
				t.Fatalf("pointer %q is not RFC 6901", x.Pointer)
			}
		}
		if l.Errors > len(fs) {
			t.Fatalf("%d errors but %d findings", l.Errors, len(fs))
		}
		fs2, l2 := k.Check(1, line)
		if !reflect.DeepEqual(fs, fs2) || l != l2 {
			t.Fatal("not deterministic")
		}
	})
}
