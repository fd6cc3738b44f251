package tokens

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/bits"
	"strconv"

	"github.com/pkoukk/tiktoken-go-loader/assets"
)

// vocab maps byte strings to BPE ranks with an open-addressing hash table
// over one byte arena (no per-entry allocation, no string headers).
type vocab struct {
	arena []byte
	ents  []vocabEntry
	slots []uint64 // 0 empty, else hash>>32<<32 | entry index+1
	mask  uint64
}

type vocabEntry struct {
	off  uint32
	n    uint32
	rank uint32
}

const noRank = ^uint32(0)

// loadVocab parses the embedded NAME.tiktoken file (base64 token, space, rank per line).
func loadVocab(name string) (*vocab, error) {
	data, err := assets.Assets.ReadFile(name + ".tiktoken")
	if err != nil {
		return nil, err
	}
	v := &vocab{arena: make([]byte, 0, len(data)*3/4)}
	lines := bytes.Count(data, []byte{'\n'}) + 1
	v.ents = make([]vocabEntry, 0, lines)
	size := 1 << bits.Len(uint(lines*2))
	v.slots = make([]uint64, size)
	v.mask = uint64(size - 1)
	buf := make([]byte, 256)
	for ln := 1; len(data) > 0; ln++ {
		line := data
		if k := bytes.IndexByte(data, '\n'); k >= 0 {
			line, data = data[:k], data[k+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			continue
		}
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 {
			return nil, fmt.Errorf("%s.tiktoken:%d: no rank", name, ln)
		}
		n, err := base64.StdEncoding.Decode(buf, line[:sp])
		if err != nil {
			return nil, fmt.Errorf("%s.tiktoken:%d: %w", name, ln, err)
		}
		rank, err := strconv.ParseUint(string(line[sp+1:]), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%s.tiktoken:%d: %w", name, ln, err)
		}
		off := len(v.arena)
		v.arena = append(v.arena, buf[:n]...)
		v.insert(v.arena[off:], vocabEntry{off: uint32(off), n: uint32(n), rank: uint32(rank)})
	}
	return v, nil
}

func (v *vocab) insert(key []byte, e vocabEntry) {
	h := hashString(string(key))
	v.ents = append(v.ents, e)
	tag := h >> 32 << 32
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		if v.slots[i] == 0 {
			v.slots[i] = tag | uint64(len(v.ents))
			return
		}
	}
}

// rank returns the rank of key, or noRank.
func (v *vocab) rank(key string) uint32 {
	h := hashString(key)
	tag := h >> 32
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		s := v.slots[i]
		if s == 0 {
			return noRank
		}
		if s>>32 == tag {
			e := &v.ents[uint32(s)-1]
			if int(e.n) == len(key) && string(v.arena[e.off:e.off+e.n]) == key {
				return e.rank
			}
		}
	}
}

// hashString is a fast 64-bit hash for short byte strings.
func hashString(s string) uint64 {
	h := uint64(len(s))*0x9e3779b97f4a7c15 ^ 0x2545f4914f6cdd1d
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = mix(h ^ w)
		s = s[8:]
	}
	if len(s) > 0 {
		var w uint64
		for i := 0; i < len(s); i++ {
			w |= uint64(s[i]) << (8 * i)
		}
		h = mix(h ^ w)
	}
	return mix(h)
}

func mix(h uint64) uint64 {
	hi, lo := bits.Mul64(h, 0xbf58476d1ce4e5b9)
	return hi ^ lo
}
