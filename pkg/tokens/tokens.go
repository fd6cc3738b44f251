// Package tokens counts tokens exactly as OpenAI's tiktoken encode_ordinary does,
// for the o200k_base and cl100k_base encodings, with vocabularies embedded in the
// binary (no network at run time).
//
// Counting is a hand-written pre-tokenizer (the encodings' split patterns as
// scanners over generated Unicode class tables), a byte-pair merge over rank
// lookups, and bounded lock-free piece→count caches. docs/tokens.md describes
// the design and how exactness is proven against npm tiktoken.
package tokens

import (
	"fmt"
	"sync"
	"unsafe"
)

// Encoder counts tokens for one encoding. It is safe for concurrent use.
type Encoder struct {
	name    string
	special []string
	next    func(s string, i int) int
	vocab   *vocab
	cache   *pieceCache
	long    *longCache
}

var (
	mu       sync.Mutex
	encoders = map[string]*Encoder{}
)

// Get returns the encoder for "o200k_base" or "cl100k_base". The vocabulary is
// parsed once per process (about 80 ms of CPU for o200k_base) and shared.
func Get(name string) (*Encoder, error) {
	mu.Lock()
	defer mu.Unlock()
	if e, ok := encoders[name]; ok {
		return e, nil
	}
	var next func(string, int) int
	switch name {
	case "o200k_base":
		next = nextO200k
	case "cl100k_base":
		next = nextCl100k
	default:
		return nil, fmt.Errorf("unknown encoding %q (known: o200k_base, cl100k_base)", name)
	}
	v, err := loadVocab(name)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, err)
	}
	e := &Encoder{name: name, special: specialTokens(name), next: next, vocab: v, cache: newPieceCache(cacheEntries), long: newLongCache(longCacheItems)}
	encoders[name] = e
	return e, nil
}

// Name returns the encoding's name.
func (e *Encoder) Name() string { return e.name }

// SpecialTokens returns the encoding's special tokens (e.g. "<|endoftext|>").
func (e *Encoder) SpecialTokens() []string { return append([]string(nil), e.special...) }

// Count returns the number of tokens in s, treating special tokens as ordinary
// text (tiktoken's encode_ordinary). Invalid UTF-8 bytes count as the bytes
// they are, each a character of its own for the split patterns.
func (e *Encoder) Count(s string) int {
	total := 0
	for i := 0; i < len(s); {
		end := e.next(s, i)
		total += e.pieceCount(s[i:end])
		i = end
	}
	return total
}

// CountBytes is Count for a byte slice, without copying it.
func (e *Encoder) CountBytes(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	return e.Count(unsafe.String(&b[0], len(b)))
}

// pieceCount returns the number of tokens of one piece of the split.
func (e *Encoder) pieceCount(p string) int {
	if len(p) == 1 {
		return 1 // every byte is a token
	}
	if len(p) <= cacheKeyMax {
		k0, k1, k2 := cacheKey(p)
		if n, ok := e.cache.get(k0, k1, k2, len(p)); ok {
			return n
		}
		n := e.mergeCount(p)
		e.cache.put(k0, k1, k2, len(p), n)
		return n
	}
	if len(p) <= longKeyMax {
		var w [longKeyMax / 8]uint64
		k := longKey(p, &w)
		if n, ok := e.long.get(&w, k, len(p)); ok {
			return n
		}
		n := e.mergeCount(p)
		e.long.put(&w, k, len(p), n)
		return n
	}
	return e.mergeCount(p)
}

func (e *Encoder) mergeCount(p string) int {
	if e.vocab.rank(p) != noRank {
		return 1
	}
	return e.vocab.bpeCount(p)
}

func specialTokens(name string) []string {
	switch name {
	case "cl100k_base":
		return []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}
	default: // o200k_base
		return []string{"<|endoftext|>", "<|endofprompt|>"}
	}
}
