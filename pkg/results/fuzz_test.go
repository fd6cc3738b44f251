package results

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the results.csv reader (downloaded, so
// untrusted): it must return rows or an error, never panic, and whatever it
// returns must summarise, print and chart.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"results-good.csv", "results-no-valid.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("step,train_loss\n1,nan\n2,\n"))
	f.Add([]byte("\ufeffstep,train_loss,full_valid_loss\n1e9,1,2\n-3,Inf,-Inf\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rows, err := Parse(bytes.NewReader(in))
		if err != nil {
			if len(rows) != 0 {
				t.Fatalf("rows and an error")
			}
			return
		}
		s := Summarize(rows)
		if s.Steps != len(rows) {
			t.Fatalf("steps %d, rows %d", s.Steps, len(rows))
		}
		var b strings.Builder
		if err := s.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		if err := WriteChart(io.Discard, rows, 30); err != nil {
			t.Fatal(err)
		}
	})
}
