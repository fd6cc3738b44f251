// Command validate-engine benchmarks pkg/validate on a generated corpus.
//
//	go run ./benchmarks/validate-engine -gen FILE -mb 512   # write a corpus
//	go run ./benchmarks/validate-engine -run FILE           # validate it, print a Markdown row
//
// The corpus is deterministic and built from real text nobody here wrote: the
// comments, documentation and non-ASCII string literals of the Go tree on the
// machine (GOROOT/src, GOROOT/doc). It mixes single- and multi-turn chat,
// weights, tool definitions and calls, vision examples with PNG data URIs and
// non-Latin text. -run validates in a fresh process so the peak RSS
// (VmHWM) is the validator's own.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ftprep/ftprep/pkg/validate"
)

func main() {
	gen := flag.String("gen", "", "write a corpus to this file")
	mb := flag.Int("mb", 512, "corpus size in MiB (with -gen)")
	runFile := flag.String("run", "", "validate this file and print a Markdown table row")
	workers := flag.Int("workers", 0, "validator workers (0 = GOMAXPROCS)")
	noTokens := flag.Bool("no-tokens", false, "skip token counting")
	header := flag.Bool("header", false, "print the table header first")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of -run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	switch {
	case *gen != "":
		if err := generate(*gen, int64(*mb)<<20); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case *runFile != "":
		if *header {
			fmt.Println("| input | tokens | workers | wall s | MB/s | CPU s | MB per CPU s | peak RSS MB | examples | findings |")
			fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
		}
		if err := run(*runFile, *workers, *noTokens); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1) //nolint:gocritic // the profile is incomplete then anyway
		}
	default:
		flag.Usage()
		os.Exit(2)
	}
}

func run(path string, workers int, noTokens bool) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	t0 := time.Now()
	res, err := validate.ValidateFile(context.Background(), path, validate.Options{Workers: workers, NoTokens: noTokens, Target: "openai"})
	if err != nil {
		return err
	}
	wall := time.Since(t0).Seconds()
	tok := "counted"
	if noTokens {
		tok = "skipped"
	}
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	cpu := cpuSeconds()
	fmt.Printf("| %d MiB | %s | %d | %.1f | %.1f | %.1f | %.1f | %d | %d | %d |\n", st.Size()>>20, tok, workers, wall,
		float64(st.Size())/1e6/wall, cpu, float64(st.Size())/1e6/cpu, peakRSS()>>20, res.Examples, len(res.Findings))
	return nil
}

// peakRSS reads VmHWM from /proc/self/status (0 where unavailable).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

// corpus is the real text the generator draws from.
type corpus struct {
	prose   []string // comment and documentation paragraphs
	code    []string // code snippets
	foreign []string // lines with non-Latin text
	images  []string // PNG data URIs
}

func loadCorpus() (*corpus, error) {
	root := runtime.GOROOT()
	c := &corpus{}
	var files []string
	for _, dir := range []string{filepath.Join(root, "src"), filepath.Join(root, "doc")} {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".html")) {
				files = append(files, p)
			}
			return nil
		})
	}
	sort.Strings(files)
	for i, p := range files {
		if i%4 != 0 && !strings.Contains(p, "unicode") && !strings.Contains(p, "/doc/") { // a quarter of the tree is plenty
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil || !utf8.Valid(b) {
			continue
		}
		var para, code []string
		flush := func() {
			if len(para) > 0 {
				c.prose = append(c.prose, strings.Join(para, " "))
				para = para[:0]
			}
			if len(code) > 2 {
				c.code = append(c.code, strings.Join(code, "\n"))
			}
			code = code[:0]
		}
		for _, l := range strings.Split(string(b), "\n") {
			t := strings.TrimSpace(l)
			switch {
			case strings.HasPrefix(t, "//"):
				if len(code) > 0 {
					flush()
				}
				if s := strings.TrimSpace(strings.TrimPrefix(t, "//")); s != "" {
					para = append(para, s)
				} else {
					flush()
				}
			case t == "":
				flush()
			default:
				if len(para) > 0 {
					flush()
				}
				if len(code) < 30 {
					code = append(code, l)
				}
			}
			if hasNonLatin(t) && len(t) < 400 {
				c.foreign = append(c.foreign, t)
			}
		}
		flush()
	}
	if len(c.prose) == 0 || len(c.code) == 0 {
		return nil, fmt.Errorf("no text found under %s", root)
	}
	if len(c.foreign) == 0 {
		c.foreign = c.prose[:1]
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 16; i++ {
		c.images = append(c.images, pngURI(32+rng.IntN(480), 32+rng.IntN(480), rng))
	}
	return c, nil
}

func hasNonLatin(s string) bool {
	for _, r := range s {
		if r >= 0x0370 && r != 0xFFFD {
			return true
		}
	}
	return false
}

func pngURI(w, h int, rng *rand.Rand) string {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c0 := uint8(rng.IntN(256))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), c0, 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

type msg = map[string]any

func generate(path string, size int64) error {
	c, err := loadCorpus()
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	systems := []string{"You are a Go expert. Answer briefly.", "You explain standard library documentation.", pick(c.prose)}
	tools := []any{
		map[string]any{"type": "function", "function": map[string]any{"name": "search_docs", "description": "Search the Go documentation.",
			"parameters": map[string]any{"type": "object", "properties": map[string]any{"query": map[string]any{"type": "string"}}, "required": []string{"query"}}}},
		map[string]any{"type": "function", "function": map[string]any{"name": "run_code", "description": "Run a Go snippet.",
			"parameters": map[string]any{"type": "object", "properties": map[string]any{"source": map[string]any{"type": "string"}}}}},
	}
	var n int64
	for i := 0; n < size; i++ {
		var ex map[string]any
		sys := msg{"role": "system", "content": systems[rng.IntN(len(systems))]}
		switch k := rng.IntN(100); {
		case k < 45: // single turn
			ex = msg{"messages": []any{sys, msg{"role": "user", "content": pick(c.prose)}, msg{"role": "assistant", "content": pick(c.code)}}}
		case k < 65: // multi-turn with weights
			ms := []any{sys}
			for t := 0; t < 2+rng.IntN(4); t++ {
				ms = append(ms, msg{"role": "user", "content": pick(c.prose)}, msg{"role": "assistant", "content": pick(c.prose), "weight": rng.IntN(2)})
			}
			ms = append(ms, msg{"role": "user", "content": pick(c.prose)}, msg{"role": "assistant", "content": pick(c.code)})
			ex = msg{"messages": ms}
		case k < 80: // tools
			args, _ := json.Marshal(map[string]string{"query": pick(c.prose)})
			id := fmt.Sprintf("call_%d", i)
			ex = msg{"tools": tools, "messages": []any{sys, msg{"role": "user", "content": pick(c.prose)},
				msg{"role": "assistant", "tool_calls": []any{msg{"id": id, "type": "function", "function": msg{"name": "search_docs", "arguments": string(args)}}}},
				msg{"role": "tool", "tool_call_id": id, "content": pick(c.code)},
				msg{"role": "assistant", "content": pick(c.prose)}}}
		case k < 85: // vision
			ex = msg{"messages": []any{msg{"role": "user", "content": []any{msg{"type": "text", "text": pick(c.prose)},
				msg{"type": "image_url", "image_url": msg{"url": pick(c.images), "detail": []string{"low", "high", "auto"}[rng.IntN(3)]}}}},
				msg{"role": "assistant", "content": pick(c.prose)}}}
		default: // non-Latin text
			ex = msg{"messages": []any{sys, msg{"role": "user", "content": pick(c.foreign) + " " + pick(c.foreign)}, msg{"role": "assistant", "content": pick(c.foreign)}}}
		}
		b, err := json.Marshal(ex)
		if err != nil {
			return err
		}
		b = append(b, '\n')
		if n+int64(len(b)) > size {
			break // stay within the size: 512 MiB is the Files API limit
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		n += int64(len(b))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
