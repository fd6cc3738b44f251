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

// vocab maps byte strings to BPE ranks with an open-addressing hash table.
// A slot holds a key of up to 8 bytes inline (one memory access per lookup);
// longer keys are stored as their hash and checked against a byte arena.
type vocab struct {
	pair  []uint32 // rank of every two-byte string, indexed by b0<<8|b1 (256 KiB, cache-friendly)
	arena []byte
	slots []vocabSlot
	mask  uint64
}

type vocabSlot struct {
	key  uint64 // packed bytes (len <= 8) or hash (len > 8)
	meta uint64 // rank | len<<32 | arena offset<<40; 0 = empty (len >= 1 always)
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
	size := 1 << bits.Len(uint(lines*2))
	v.slots = make([]vocabSlot, size)
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
		if err != nil || n == 0 || n > 255 {
			return nil, fmt.Errorf("%s.tiktoken:%d: bad token (%v)", name, ln, err)
		}
		rank, err := strconv.ParseUint(string(line[sp+1:]), 10, 32)
		if err != nil || rank == uint64(noRank) {
			return nil, fmt.Errorf("%s.tiktoken:%d: bad rank (%v)", name, ln, err)
		}
		off := len(v.arena)
		if off >= 1<<24 {
			return nil, fmt.Errorf("%s.tiktoken: vocabulary too large", name)
		}
		v.arena = append(v.arena, buf[:n]...)
		key, h := slotKey(string(buf[:n]))
		for i := h & v.mask; ; i = (i + 1) & v.mask {
			if v.slots[i].meta == 0 {
				v.slots[i] = vocabSlot{key: key, meta: rank | uint64(n)<<32 | uint64(off)<<40}
				break
			}
		}
	}
	v.pair = make([]uint32, 1<<16)
	for i := range v.pair {
		v.pair[i] = v.rank(string([]byte{byte(i >> 8), byte(i)}))
	}
	return v, nil
}

// pairRank returns the rank of the two bytes at s[0:2].
func (v *vocab) pairRank(s string) uint32 { return v.pair[int(s[0])<<8|int(s[1])] }

// slotKey returns the slot key and the table hash of s.
func slotKey(s string) (key, h uint64) {
	n := len(s)
	switch {
	case n > 8:
		h = hashString(s)
		return h, h
	case n == 8:
		key = load64(s)
	case n >= 4:
		key = uint64(load32(s)) | uint64(load32(s[n-4:]))<<32
	default:
		key = uint64(s[0]) | uint64(s[n>>1])<<8 | uint64(s[n-1])<<16
	}
	return key, mix(key ^ uint64(n)*0x9e3779b97f4a7c15)
}

// rank returns the rank of key (len(key) >= 1), or noRank.
func (v *vocab) rank(s string) uint32 {
	key, h := slotKey(s)
	n := uint64(len(s))
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		sl := &v.slots[i]
		if sl.meta == 0 {
			return noRank
		}
		if sl.key == key && sl.meta>>32&0xff == n {
			if n <= 8 {
				return uint32(sl.meta)
			}
			off := sl.meta >> 40
			if string(v.arena[off:off+n]) == s {
				return uint32(sl.meta)
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
