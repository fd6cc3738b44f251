package tokens

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// bpeCountSlow is tiktoken's _byte_pair_merge transcribed literally (a vector
// of parts, leftmost lowest rank merged first), for any piece length.
func (v *vocab) bpeCountSlow(piece string) int {
	type part struct {
		start int
		rank  uint32
	}
	rankAt := func(parts []part, i int) uint32 {
		if i+3 < len(parts) {
			return v.rank(piece[parts[i].start:parts[i+3].start])
		}
		return noRank
	}
	parts := make([]part, 0, len(piece)+1)
	for i := 0; i < len(piece)-1; i++ {
		parts = append(parts, part{i, v.rank(piece[i : i+2])})
	}
	parts = append(parts, part{len(piece) - 1, noRank}, part{len(piece), noRank})
	for {
		best, bi := noRank, -1
		for i := 0; i < len(parts)-1; i++ {
			if parts[i].rank < best {
				best, bi = parts[i].rank, i
			}
		}
		if bi < 0 {
			break
		}
		if bi > 0 {
			parts[bi-1].rank = rankAt(parts, bi-1)
		}
		parts[bi].rank = rankAt(parts, bi)
		parts = append(parts[:bi+1], parts[bi+2:]...)
	}
	return len(parts) - 1
}

// TestBPEPathsAgree checks the quadratic merge and the heap merge against the
// literal transcription on the long pieces of the goldens and on random pieces.
func TestBPEPathsAgree(t *testing.T) {
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		enc, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		v := enc.vocab
		var pieces []string
		long := 0
		cases := readGolden(t, name)
		every := 1
		if raceEnabled {
			every = 4
		}
		for k := 0; k < len(cases); k += every {
			for _, p := range split(enc.next, cases[k].S) {
				if len(p) > smallPiece && v.rank(p) == noRank {
					pieces = append(pieces, p)
					long++
				}
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		alphabet := []string{"a", "b", "ab", " ", "\n", "=", "-", "日", "本", "語", "é", "😀", "\t", "the", "ing"}
		for i := 0; i < 300; i++ {
			var b strings.Builder
			for n := 2 + rng.IntN(300); b.Len() < n; {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			pieces = append(pieces, b.String())
		}
		if long < 20/every {
			t.Errorf("%s: goldens have only %d pieces longer than %d bytes; the heap path is barely covered", name, long, smallPiece)
		}
		step := 1
		if raceEnabled {
			step = 10
		}
		for i := 0; i < len(pieces); i += step {
			p := pieces[i]
			want := v.bpeCountSlow(p)
			if got := v.bpeCountHeap(p); got != want {
				t.Errorf("%s: heap merge of %q = %d, literal %d", name, trunc(p), got, want)
			}
			if len(p) <= smallPiece {
				if got := v.bpeCount(p); got != want {
					t.Errorf("%s: quadratic merge of %q = %d, literal %d", name, p, got, want)
				}
			}
		}
		t.Logf("%s: %d long golden pieces, %d in all", name, long, len(pieces))
	}
}
