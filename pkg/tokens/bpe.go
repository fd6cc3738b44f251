package tokens

// smallPiece is the longest piece merged with the quadratic scan (as tiktoken
// does); longer pieces use a heap that makes the same merges in the same order.
const smallPiece = 96

// bpeCount returns the number of tokens tiktoken's byte-pair merge produces
// for piece (len(piece) >= 2): repeatedly merge the adjacent pair with the
// lowest rank, the leftmost on ties.
func (v *vocab) bpeCount(piece string) int {
	if len(piece) > smallPiece {
		return v.bpeCountHeap(piece)
	}
	var start [smallPiece + 1]int32
	var rank [smallPiece + 1]uint32
	m := len(piece) + 1
	for i := 0; i < m; i++ {
		start[i] = int32(i)
		rank[i] = noRank
		if i+2 <= len(piece) {
			rank[i] = v.pairRank(piece[i:])
		}
	}
	for {
		best, bi := noRank, -1
		for i := 0; i < m-1; i++ {
			if rank[i] < best {
				best, bi = rank[i], i
			}
		}
		if bi < 0 {
			break
		}
		i := bi
		if i > 0 {
			rank[i-1] = noRank
			if i+2 < m {
				rank[i-1] = v.rank(piece[start[i-1]:start[i+2]])
			}
		}
		rank[i] = noRank
		if i+3 < m {
			rank[i] = v.rank(piece[start[i]:start[i+3]])
		}
		copy(start[i+1:m-1], start[i+2:m])
		copy(rank[i+1:m-1], rank[i+2:m])
		m--
	}
	return m - 1
}

// mergeHeap is a binary min-heap of candidate merges, rank<<32 | start, so it
// pops the lowest rank and, on ties, the leftmost part.
type mergeHeap []uint64

func (h *mergeHeap) push(x uint64) {
	a := append(*h, x)
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if a[p] <= a[i] {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
	*h = a
}

func (h *mergeHeap) pop() uint64 {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(a) && a[l] < a[m] {
			m = l
		}
		if l+1 < len(a) && a[l+1] < a[m] {
			m = l + 1
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}

func (v *vocab) bpeCountHeap(piece string) int {
	n := len(piece)
	next := make([]int32, n+1) // next part start; parts are identified by their start
	prev := make([]int32, n+1)
	rank := make([]uint32, n+1) // rank of merging the part at i with its successor
	h := make(mergeHeap, 0, n)
	for i := 0; i <= n; i++ {
		next[i], prev[i] = int32(i+1), int32(i-1)
		rank[i] = noRank
		if i+2 <= n {
			rank[i] = v.pairRank(piece[i:])
			if rank[i] != noRank {
				h.push(uint64(rank[i])<<32 | uint64(i))
			}
		}
	}
	// spanRank is the rank of the part at i joined with the part after it.
	spanRank := func(i int32) uint32 {
		j := next[i]
		if int(j) >= n {
			return noRank
		}
		return v.rank(piece[i:next[j]])
	}
	parts := n
	for len(h) > 0 {
		top := h.pop()
		r, i := uint32(top>>32), int32(uint32(top))
		if rank[i] != r { // stale: the part was merged away or grew
			continue
		}
		j := next[i]
		next[i] = next[j]
		prev[next[j]] = i
		rank[j] = noRank
		parts--
		if rank[i] = spanRank(i); rank[i] != noRank {
			h.push(uint64(rank[i])<<32 | uint64(i))
		}
		if p := prev[i]; p >= 0 {
			if rank[p] = spanRank(p); rank[p] != noRank {
				h.push(uint64(rank[p])<<32 | uint64(p))
			}
		}
	}
	return parts
}
