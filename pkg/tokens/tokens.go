// Package tokens counts tokens exactly as OpenAI's tiktoken encode_ordinary does,
// for the o200k_base and cl100k_base encodings, with vocabularies embedded in the
// binary (no network at run time).
package tokens

import (
	"fmt"
	"sync"

	"github.com/pkoukk/tiktoken-go"
	loader "github.com/pkoukk/tiktoken-go-loader"
)

// Encoder counts tokens for one encoding. It is safe for concurrent use.
type Encoder struct {
	name    string
	special []string
	tk      *tiktoken.Tiktoken
}

var (
	loaderOnce sync.Once
	mu         sync.Mutex
	cache      = map[string]*Encoder{}
)

// Get returns the encoder for "o200k_base" or "cl100k_base".
func Get(name string) (*Encoder, error) {
	mu.Lock()
	defer mu.Unlock()
	if e, ok := cache[name]; ok {
		return e, nil
	}
	switch name {
	case "o200k_base", "cl100k_base":
	default:
		return nil, fmt.Errorf("unknown encoding %q (known: o200k_base, cl100k_base)", name)
	}
	loaderOnce.Do(func() { tiktoken.SetBpeLoader(loader.NewOfflineLoader()) })
	tk, err := tiktoken.GetEncoding(name)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, err)
	}
	e := &Encoder{name: name, tk: tk, special: specialTokens(name)}
	cache[name] = e
	return e, nil
}

// Name returns the encoding's name.
func (e *Encoder) Name() string { return e.name }

// SpecialTokens returns the encoding's special tokens (e.g. "<|endoftext|>").
func (e *Encoder) SpecialTokens() []string { return append([]string(nil), e.special...) }

// Count returns the number of tokens in s, treating special tokens as ordinary text.
func (e *Encoder) Count(s string) int {
	if s == "" {
		return 0
	}
	return len(e.tk.EncodeOrdinary(s))
}

func specialTokens(name string) []string {
	switch name {
	case "cl100k_base":
		return []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}
	default: // o200k_base
		return []string{"<|endoftext|>", "<|endofprompt|>"}
	}
}
