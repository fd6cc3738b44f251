package tokens

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite testdata/tokens/unicode16-diff.txt")

// reclassified lists characters whose class changed between Unicode 15 and 16
// (not just added): U+0295 LATIN LETTER PHARYNGEAL VOICED FRICATIVE, Ll -> Lo.
var reclassified = map[rune]bool{0x0295: true}

// goClass is the class of r by Go's unicode tables (Unicode 15, what
// tiktoken-go's regexp2 sees).
func goClass(r rune) uint8 {
	switch {
	case r == '\r' || r == '\n':
		return clsNewline
	case unicode.Is(unicode.White_Space, r):
		return clsSpace
	case unicode.In(r, unicode.Lu, unicode.Lt):
		return clsUpper
	case unicode.Is(unicode.Ll, r):
		return clsLower
	case unicode.In(r, unicode.Lm, unicode.Lo):
		return clsOtherLetter
	case unicode.Is(unicode.M, r):
		return clsMark
	case unicode.Is(unicode.N, r):
		return clsNumber
	}
	return clsOther
}

func assignedInGo(r rune) bool {
	for name, t := range unicode.Categories {
		if name != "C" && name != "Cn" && unicode.Is(t, r) {
			return true
		}
	}
	return false
}

// TestClassesVsGoUnicode pins the generated tables: they agree with Go's
// Unicode 15 tables except for characters Unicode 16 added (unassigned in Go),
// which the reference (regex-syntax 0.8.5, Unicode 16) already classifies.
func TestClassesVsGoUnicode(t *testing.T) {
	if unicode.Version != "15.0.0" {
		t.Skipf("Go's unicode tables are %s; this test pins the differences from 15.0.0 (the generated tables do not depend on Go's)", unicode.Version)
	}
	diff := 0
	var list strings.Builder
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		got, want := classRune(r), goClass(r)
		if got == want {
			continue
		}
		diff++
		fmt.Fprintf(&list, "%04X\n", r)
		if assignedInGo(r) && !reclassified[r] {
			t.Errorf("U+%04X: table class %d, Go (Unicode %s) class %d, and Go knows the character", r, got, unicode.Version, want)
		}
	}
	t.Logf("%d code points classified differently from Go's Unicode %s tables (all unassigned there)", diff, unicode.Version)
	// The golden generator mixes these code points into its strings.
	path := filepath.Join("..", "..", "testdata", "tokens", "unicode16-diff.txt")
	if *update {
		if err := os.WriteFile(path, []byte(list.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if old, err := os.ReadFile(path); err != nil || string(old) != list.String() {
		t.Errorf("%s is stale or missing (go test -run TestClassesVsGoUnicode -update): %v", path, err)
	}
	if diff == 0 || diff > 10000 {
		t.Errorf("unexpected number of Unicode 16 additions: %d", diff)
	}
}

func TestClassExamples(t *testing.T) {
	for _, c := range []struct {
		r    rune
		want uint8
	}{
		{'a', clsLower}, {'Z', clsUpper}, {'ǅ', clsUpper}, {'ʰ', clsOtherLetter}, {'日', clsOtherLetter},
		{'\u0301', clsMark}, {'7', clsNumber}, {'Ⅻ', clsNumber}, {'²', clsNumber}, {' ', clsSpace},
		{'\u0085', clsSpace}, {'\u2028', clsSpace}, {'\u3000', clsSpace}, {'\n', clsNewline}, {'\r', clsNewline},
		{'\uFEFF', clsOther}, {'\u200B', clsOther}, {'\u180E', clsOther}, {'!', clsOther}, {'😀', clsOther},
		{'ſ', clsLower}, {0x1E5D0, clsOtherLetter} /* Ol Onal, Unicode 16 */, {0x323B0, clsOther}, /* CJK ext J, Unicode 17 */
	} {
		if got := classRune(c.r); got != c.want {
			t.Errorf("class(%U) = %d, want %d", c.r, got, c.want)
		}
	}
}
