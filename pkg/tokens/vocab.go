package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unsafe"

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

// hashString is a fast 64-bit hash for short byte strings (wyhash-style
// overlapping loads; equal strings hash equal, which is all the tables need).
func hashString(s string) uint64 {
	n := len(s)
	h := uint64(n)*0x9e3779b97f4a7c15 ^ 0x2545f4914f6cdd1d
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			h = mix(h ^ load64(s[i:]))
		}
		h = mix(h ^ load64(s[n-8:]))
	case n >= 4:
		h = mix(h ^ (uint64(load32(s)) | uint64(load32(s[n-4:]))<<32))
	case n > 0:
		h = mix(h ^ (uint64(s[0]) | uint64(s[n>>1])<<8 | uint64(s[n-1])<<16))
	}
	return mix(h)
}

func mix(h uint64) uint64 {
	hi, lo := bits.Mul64(h, 0xbf58476d1ce4e5b9)
	return hi ^ lo
}

// load64 and load32 read little-endian words from the start of s (len(s) >= 8
// or >= 4); the compiler turns them into single loads on amd64 and arm64.
func load64(s string) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8))
}

func load32(s string) uint32 {
	return binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(s), 4))
}
