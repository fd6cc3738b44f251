package tokens

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

type goldenCase struct {
	S string `json:"s"`
	N int    `json:"n"`
}

func readGolden(t testing.TB, enc string) []goldenCase {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "tokens", "golden-"+enc+".jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenCase
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var c goldenCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGolden checks every string of the golden files (counts from npm tiktoken
// encode_ordinary, tools/tokens/gen-golden.mjs) for 0 mismatches.
func TestGolden(t *testing.T) {
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		t.Run(name, func(t *testing.T) {
			cases := readGolden(t, name)
			if len(cases) < 20000 {
				t.Fatalf("golden has %d strings, want >= 20000", len(cases))
			}
			enc, err := Get(name)
			if err != nil {
				t.Fatal(err)
			}
			passes, step := 2, 1
			if raceEnabled {
				// The race detector slows counting ~30x: check every 4th case once;
				// the plain run (go test ./pkg/tokens) checks every case twice.
				passes, step = 1, 4
				t.Logf("race detector on: checking %d of %d cases", (len(cases)+3)/4, len(cases))
			}
			bad, checked := 0, 0
			for i := 0; i < len(cases); i += step {
				c := cases[i]
				checked++
				// Twice: the second count comes from the piece cache.
				for pass := 0; pass < passes; pass++ {
					if got := enc.Count(c.S); got != c.N {
						bad++
						if bad <= 10 {
							t.Errorf("case %d pass %d: Count(%s) = %d, want %d", i, pass, strconv.QuoteToASCII(trunc(c.S)), got, c.N)
						}
					}
				}
				if i%10 == 0 {
					if got := enc.CountBytes([]byte(c.S)); got != c.N {
						t.Errorf("case %d: CountBytes = %d, want %d", i, got, c.N)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d counts differ", bad, passes*checked)
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
