package jsonl

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/bytedance/sonic"
)

// The benchmarks parse a deterministic chat corpus built from the Go
// distribution's own source text (comments and code as message content), so
// nothing big is committed. FTPREP_BENCH_MB sets its size (default 50).

var corpus = sync.OnceValues(func() ([][]byte, int) {
	mb := 50
	if s := os.Getenv("FTPREP_BENCH_MB"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			mb = n
		}
	}
	return chatCorpus(filepath.Join(runtime.GOROOT(), "src"), mb<<20)
})

// chatCorpus builds chat JSONL lines of about size bytes in total: system,
// user and assistant turns (some multi-turn, some with a tool call) whose
// texts are consecutive chunks of the .go files under root.
func chatCorpus(root string, size int) ([][]byte, int) {
	var texts []string
	total := 0
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || total > size || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for len(b) > 0 {
			n := min(len(b), 200+len(texts)*7919%1800)
			texts = append(texts, string(b[:n]))
			total += n
			b = b[n:]
		}
		return nil
	})
	type msg struct {
		Role    string `json:"role"`
		Content string `json:"content"`
		Weight  *int   `json:"weight,omitempty"`
	}
	var lines [][]byte
	n := 0
	one := 1
	for i := 0; i+4 < len(texts) && n < size; i += 4 {
		m := []msg{{Role: "system", Content: "You are a Go expert. Answer precisely."}}
		turns := 1 + i%3
		for t := 0; t < turns && i+2*t+1 < len(texts); t++ {
			m = append(m, msg{Role: "user", Content: texts[i+2*t]}, msg{Role: "assistant", Content: texts[i+2*t+1], Weight: &one})
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(map[string]any{"messages": m})
		line := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		lines = append(lines, line)
		n += len(line) + 1
	}
	return lines, n
}

type chatLine struct {
	Messages []struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
		Weight  *int   `json:"weight"`
	} `json:"messages"`
}

func benchLines(b *testing.B, parse func([]byte) error) {
	lines, n := corpus()
	if n == 0 {
		b.Skip("no Go source tree to build the corpus from")
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		for _, l := range lines {
			if err := parse(l); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, n, cpu)
}

// cpuTime is the process's CPU time (user + system) in seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// reportCPU adds "cpu-MB/s": bytes per second of CPU time the process used
// (GC included), a figure a loaded shared machine distorts less than wall time.
func reportCPU(b *testing.B, n int, since float64) {
	if d := cpuTime() - since; d > 0 && since > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/d/1e6, "cpu-MB/s")
	}
}

// realCorpus is every line of ../shared/data/real/*.jsonl that parses.
var realCorpus = sync.OnceValues(func() ([][]byte, int) {
	dir := os.Getenv("FTPREP_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "data", "real", "*.jsonl"))
	var lines [][]byte
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for l := range bytes.Lines(b) {
			l = bytes.TrimRight(l, "\r\n")
			if json.Valid(l) {
				lines = append(lines, l)
				n += len(l) + 1
			}
		}
	}
	return lines, n
})

// BenchmarkParseReal parses the real datasets (about 1 MB, repeated to about
// 20 MB per op, so mostly cache-warm)
// with an AliasLine Parser, as validate does.
func BenchmarkParseReal(b *testing.B) {
	lines, n := realCorpus()
	if n == 0 {
		b.Skip("no real datasets in ../shared/data/real")
	}
	reps := max(1, (20<<20)/n) // about 20 MB per op, so that a few ops are enough
	b.SetBytes(int64(n * reps))
	p := Parser{AliasLine: true}
	cpu := cpuTime()
	for b.Loop() {
		for range reps {
			for _, l := range lines {
				if _, err := p.Parse(l); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	reportCPU(b, n*reps, cpu)
}

func BenchmarkParse(b *testing.B) {
	b.Run("jsonl.Parser", func(b *testing.B) {
		var p Parser
		benchLines(b, func(l []byte) error {
			if _, err := p.Parse(l); err != nil {
				return err
			}
			return nil
		})
	})
	b.Run("jsonl.Parser-AliasLine", func(b *testing.B) {
		p := Parser{AliasLine: true}
		benchLines(b, func(l []byte) error {
			if _, err := p.Parse(l); err != nil {
				return err
			}
			return nil
		})
	})
	b.Run("jsonl.Parse", func(b *testing.B) {
		benchLines(b, func(l []byte) error {
			if _, err := Parse(l); err != nil {
				return err
			}
			return nil
		})
	})
	b.Run("encoding-json.Valid", func(b *testing.B) {
		benchLines(b, func(l []byte) error {
			if !json.Valid(l) {
				return os.ErrInvalid
			}
			return nil
		})
	})
	b.Run("encoding-json.Unmarshal-struct", func(b *testing.B) {
		benchLines(b, func(l []byte) error { var c chatLine; return json.Unmarshal(l, &c) })
	})
	b.Run("encoding-json.Unmarshal-any", func(b *testing.B) {
		benchLines(b, func(l []byte) error { var c any; return json.Unmarshal(l, &c) })
	})
	b.Run("sonic.Unmarshal-struct", func(b *testing.B) {
		benchLines(b, func(l []byte) error { var c chatLine; return sonic.Unmarshal(l, &c) })
	})
	b.Run("sonic.Unmarshal-any", func(b *testing.B) {
		benchLines(b, func(l []byte) error { var c any; return sonic.Unmarshal(l, &c) })
	})
}

func BenchmarkCanonical(b *testing.B) {
	lines, n := corpus()
	var trees []*Value
	for _, l := range lines {
		v, err := Parse(l)
		if err != nil {
			b.Fatal(err)
		}
		trees = append(trees, v)
	}
	b.SetBytes(int64(n))
	var dst []byte
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		for _, v := range trees {
			dst = Canonical(dst[:0], v)
		}
	}
	reportCPU(b, n, cpu)
}

// BenchmarkReader splits the corpus into lines with Next and NextBatch.
func BenchmarkReader(b *testing.B) {
	lines, n := corpus()
	if n == 0 {
		b.Skip("no Go source tree to build the corpus from")
	}
	var in bytes.Buffer
	for _, l := range lines {
		in.Write(l)
		in.WriteByte('\n')
	}
	for _, mode := range []string{"Next", "NextBatch-1MiB", "NextBatch-256KiB", "NextBatch-1line"} {
		b.Run(mode, func(b *testing.B) {
			b.SetBytes(int64(in.Len()))
			cpu := cpuTime()
			for b.Loop() {
				r := NewReader(bytes.NewReader(in.Bytes()))
				count := 0
				for {
					if mode == "Next" {
						if _, err := r.Next(); err != nil {
							break
						}
						count++
					} else {
						size := 1 << 20
						if mode == "NextBatch-256KiB" {
							size = 256 << 10
						}
						maxLines := 0
						if mode == "NextBatch-1line" {
							maxLines = 1
						}
						batch, err := r.NextBatch(maxLines, size)
						if err != nil {
							break
						}
						count += len(batch)
					}
				}
				if count != len(lines) {
					b.Fatalf("%d lines, want %d", count, len(lines))
				}
			}
			reportCPU(b, in.Len(), cpu)
		})
	}
}
