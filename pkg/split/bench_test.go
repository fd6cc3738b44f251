package split

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// BenchmarkHook measures the per-line work split adds to validation
// (parse, canonical form, hashes) on FTPREP_SPLIT_BENCH_FILE (skipped when unset).
func BenchmarkHook(b *testing.B) {
	p := os.Getenv("FTPREP_SPLIT_BENCH_FILE")
	if p == "" {
		b.Skip("set FTPREP_SPLIT_BENCH_FILE to a JSONL file")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	toks, _ := parsePointer("/messages/1/content")
	h := hookFunc(toks, true)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		for _, l := range lines {
			h(l, nil, true)
		}
	}
}

// BenchmarkSplit runs a whole split of FTPREP_SPLIT_BENCH_FILE (skipped when unset).
func BenchmarkSplit(b *testing.B) {
	p := os.Getenv("FTPREP_SPLIT_BENCH_FILE")
	if p == "" {
		b.Skip("set FTPREP_SPLIT_BENCH_FILE to a JSONL file")
	}
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.SetBytes(fi.Size())
	for range b.N {
		o := Options{Train: dir + "/t", Valid: dir + "/v", NoTokens: true, Dedupe: true}
		if _, err := Split(context.Background(), []string{p}, o); err != nil {
			b.Fatal(err)
		}
	}
}
