package tokens

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/testenv"
)

// randomText builds adversarial strings from the pieces the split patterns care
// about: letters of every case class, marks, numbers, white space of every kind,
// contractions (with ſ), emoji and random code points from all planes.
func randomText(rng *rand.Rand) string {
	atoms := []string{"a", "Z", "the", " The", "HTTP", "ǅ", "ʰ", "日本", "한", "ا", "\u0301", "\u0903", "7", "٣", "Ⅻ", "²",
		" ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u0085", "\u2028", "\u3000", "\ufeff", "\u200b", "\u000b",
		"'s", "'S", "'ſ", "'ll", "'Ve", "'", "’", "!", "...", "/", "+", "=", "😀", "👩🏽\u200d💻", "🇩🇪", "<|endoftext|>", "ſ", "ʕ"}
	var b strings.Builder
	for n := 1 + rng.IntN(40); n > 0; n-- {
		if rng.IntN(6) == 0 {
			for {
				r := rune(rng.IntN(0x110000))
				if r < 0xd800 || r > 0xdfff {
					b.WriteRune(r)
					break
				}
			}
			continue
		}
		b.WriteString(atoms[rng.IntN(len(atoms))])
	}
	return b.String()
}

// TestAgainstNpmTiktoken compares fresh random strings with the reference
// itself when node and npm tiktoken are installed (skipped otherwise; the
// goldens cover CI). FTPREP_TOKENS_SEED picks other strings.
func TestAgainstNpmTiktoken(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node (seconds)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	root := testenv.RepoRoot(t)
	nodeDir := os.Getenv("FTPREP_NODE_DIR")
	if nodeDir == "" {
		nodeDir = filepath.Join(root, "tools", "node")
	}
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "tiktoken")); err != nil {
		t.Skip("npm tiktoken is not installed (npm ci --prefix tools/node)")
	}
	seed := uint64(20261201)
	if s := os.Getenv("FTPREP_TOKENS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	n := 4000
	if raceEnabled {
		n = 500
	}
	strs := make([]string, n)
	for i := range strs {
		strs[i] = randomText(rng)
	}
	in, _ := json.Marshal(strs)
	names := []string{"o200k_base", "cl100k_base"}
	cmd := exec.Command("node", append([]string{filepath.Join(root, "tools", "tokens", "count.mjs")}, names...)...)
	cmd.Env = append(os.Environ(), "FTPREP_NODE_DIR="+nodeDir)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node count.mjs: %v", err)
	}
	var ref map[string][]int
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("node count.mjs: %v", err)
	}
	for _, name := range names {
		want := ref[name]
		if len(want) != len(strs) {
			t.Fatalf("%s: npm tiktoken gave %d counts for %d strings", name, len(want), len(strs))
		}
		enc, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for i, s := range strs {
			if got := enc.Count(s); got != want[i] {
				if bad++; bad <= 5 {
					t.Errorf("%s: Count(%s) = %d, npm tiktoken %d", name, strconv.QuoteToASCII(s), got, want[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d differ", name, bad, len(strs))
		}
	}
}
