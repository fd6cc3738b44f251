package tokens

import "sync/atomic"

// pieceCache is a bounded, lock-free piece→count cache for pieces of up to
// cacheKeyMax bytes: a direct-mapped table whose entries hold the whole key, so
// a hit is always exact. Each entry is guarded by a sequence word (seqlock):
// a writer claims it with a compare-and-swap, readers retry nothing and treat
// any torn read as a miss. Memory is fixed: 32 bytes per entry (2 MiB per encoder).
type pieceCache struct {
	ents []cacheEntry
	mask uint64
}

const (
	cacheKeyMax  = 24
	cacheEntries = 1 << 16
	busy         = 1 << 63
)

type cacheEntry struct {
	// meta: busy bit | sequence (31 bits) <<32 | length <<16 | count; 0 = empty.
	meta       atomic.Uint64
	k0, k1, k2 atomic.Uint64
}

func newPieceCache(entries int) *pieceCache {
	return &pieceCache{ents: make([]cacheEntry, entries), mask: uint64(entries - 1)}
}

// cacheKey packs a piece of 2 to cacheKeyMax bytes into three words with
// overlapping loads; together with the length the words determine the piece.
func cacheKey(p string) (k0, k1, k2 uint64) {
	n := len(p)
	switch {
	case n >= 8:
		return load64(p), load64(p[min(8, n-8):]), load64(p[n-8:])
	case n >= 4:
		return uint64(load32(p)), uint64(load32(p[n-4:])), 0
	default:
		return uint64(p[0]) | uint64(p[n>>1])<<8 | uint64(p[n-1])<<16, 0, 0
	}
}

func (c *pieceCache) slot(k0, k1, k2 uint64, n int) *cacheEntry {
	h := mix(k0^mix(k1^uint64(n)<<56)) ^ k2*0x9e3779b97f4a7c15
	return &c.ents[mix(h)&c.mask]
}

// get returns the cached count of the piece with key (k0,k1,k2) and length n.
func (c *pieceCache) get(k0, k1, k2 uint64, n int) (int, bool) {
	e := c.slot(k0, k1, k2, n)
	m := e.meta.Load()
	if m == 0 || m&busy != 0 || int(m>>16&0xffff) != n {
		return 0, false
	}
	if e.k0.Load() != k0 || e.k1.Load() != k1 || e.k2.Load() != k2 || e.meta.Load() != m {
		return 0, false
	}
	return int(m & 0xffff), true
}

// put stores a count unless another writer holds the entry.
func (c *pieceCache) put(k0, k1, k2 uint64, n, count int) {
	e := c.slot(k0, k1, k2, n)
	m := e.meta.Load()
	if m&busy != 0 || !e.meta.CompareAndSwap(m, m|busy) {
		return
	}
	e.k0.Store(k0)
	e.k1.Store(k1)
	e.k2.Store(k2)
	seq := (m>>32 + 1) & 0x7fffffff
	e.meta.Store(seq<<32 | uint64(n)<<16 | uint64(count))
}

// longCache is pieceCache for pieces of cacheKeyMax+1 to longKeyMax bytes (words
// of two- and three-byte scripts, long identifiers): the same seqlock entries
// with up to eight key words. Memory is fixed: 72 bytes per entry (1.1 MiB).
type longCache struct {
	ents []longEntry
	mask uint64
}

const (
	longKeyMax     = 64
	longCacheItems = 1 << 14
)

type longEntry struct {
	meta atomic.Uint64 // as cacheEntry.meta
	key  [longKeyMax / 8]atomic.Uint64
}

func newLongCache(entries int) *longCache {
	return &longCache{ents: make([]longEntry, entries), mask: uint64(entries - 1)}
}

// longKey packs p (8 < len(p) <= longKeyMax) into words; the last word is the
// last eight bytes (overlapping), so with the length the words determine p.
func longKey(p string, w *[longKeyMax / 8]uint64) int {
	k := (len(p) + 7) / 8
	for i := 0; i < k-1; i++ {
		w[i] = load64(p[8*i:])
	}
	w[k-1] = load64(p[len(p)-8:])
	return k
}

func (c *longCache) slot(w *[longKeyMax / 8]uint64, k, n int) *longEntry {
	h := uint64(n) * 0x9e3779b97f4a7c15
	for i := 0; i < k; i++ {
		h = mix(h ^ w[i])
	}
	return &c.ents[h&c.mask]
}

func (c *longCache) get(w *[longKeyMax / 8]uint64, k, n int) (int, bool) {
	e := c.slot(w, k, n)
	m := e.meta.Load()
	if m == 0 || m&busy != 0 || int(m>>16&0xffff) != n {
		return 0, false
	}
	for i := 0; i < k; i++ {
		if e.key[i].Load() != w[i] {
			return 0, false
		}
	}
	if e.meta.Load() != m {
		return 0, false
	}
	return int(m & 0xffff), true
}

func (c *longCache) put(w *[longKeyMax / 8]uint64, k, n, count int) {
	e := c.slot(w, k, n)
	m := e.meta.Load()
	if m&busy != 0 || !e.meta.CompareAndSwap(m, m|busy) {
		return
	}
	for i := 0; i < k; i++ {
		e.key[i].Store(w[i])
	}
	seq := (m>>32 + 1) & 0x7fffffff
	e.meta.Store(seq<<32 | uint64(n)<<16 | uint64(count))
}
