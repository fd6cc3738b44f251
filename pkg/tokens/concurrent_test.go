package tokens

import (
	"sync"
	"testing"
)

// TestConcurrentCount counts the golden strings from several goroutines through
// a tiny shared cache, so that entries are overwritten while being read; every
// count must still be exact (run with -race).
func TestConcurrentCount(t *testing.T) {
	base, err := Get("o200k_base")
	if err != nil {
		t.Fatal(err)
	}
	e := *base
	e.cache = newPieceCache(16)
	e.long = newLongCache(8)
	cases := readGolden(t, "o200k_base")
	n := 4000
	if raceEnabled {
		n = 1000
	}
	cases = cases[:n]
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := range cases {
				c := cases[(i+w*331)%len(cases)]
				if got := e.Count(c.S); got != c.N {
					errs <- c.S
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("concurrent Count(%q) wrong", trunc(s))
	}
}
