package tokens

import "testing"

// BenchmarkCount counts the o200k_base golden strings through a fresh cache on
// every iteration (cold). The goldens are mostly adversarial (random code points
// from every plane, long pieces), so this is a regression check, not a speed
// figure: those come from benchmarks/tokens/run.sh, on real text.
func BenchmarkCount(b *testing.B) {
	base, err := Get("o200k_base")
	if err != nil {
		b.Fatal(err)
	}
	cases := readGolden(b, "o200k_base")
	size := 0
	for _, c := range cases {
		size += len(c.S)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := *base
		e.cache, e.long = newPieceCache(cacheEntries), newLongCache(longCacheItems)
		b.StartTimer()
		for _, c := range cases {
			e.Count(c.S)
		}
	}
}
