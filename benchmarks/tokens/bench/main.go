// Command bench measures token counting speed on a corpus file, one goroutine
// (= one core), in MB of UTF-8 text per CPU-second, and prints Markdown table rows: ftprep cold (fresh piece cache,
// text never seen in this process) and warm (second pass), github.com/pkoukk/tiktoken-go
// and, when -npm-script is given and node is present, npm tiktoken, on the same
// chunks; the token totals of all implementations on the sample must agree.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/ftprep/ftprep/pkg/tokens"
	"github.com/pkoukk/tiktoken-go"
	loader "github.com/pkoukk/tiktoken-go-loader"
)

func main() {
	corpus := flag.String("corpus", "", "corpus file")
	label := flag.String("label", "", "corpus label for the table")
	encs := flag.String("enc", "o200k_base,cl100k_base", "encodings")
	sampleMiB := flag.Float64("sample", 4, "MiB of the corpus also counted by tiktoken-go and npm tiktoken")
	chunk := flag.Int("chunk", 2048, "chunk size in bytes (cut at a newline), like one message")
	npmScript := flag.String("npm-script", "", "benchmarks/tokens/npm-count.mjs; empty skips npm tiktoken")
	header := flag.Bool("header", false, "print the table header first")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the ftprep passes")
	stream := flag.Bool("stream", false, "count the corpus streamed from disk with ftprep only, and print MB/CPU-s and peak RSS (counting alone)")
	flag.Parse()
	if *stream {
		streamCount(*corpus, *encs, *chunk)
		return
	}
	data, err := os.ReadFile(*corpus)
	if err != nil {
		fatal(err)
	}
	chunks := split(string(data), *chunk)
	sample := chunks
	for n, i := 0, 0; i < len(chunks); i++ {
		if n += len(chunks[i]); float64(n) >= *sampleMiB*(1<<20) {
			sample = chunks[:i+1]
			break
		}
	}
	sampleBytes := 0
	for _, c := range sample {
		sampleBytes += len(c)
	}
	var sampleFile string
	if *npmScript != "" {
		f, err := os.CreateTemp("", "ftprep-sample-*.json")
		if err != nil {
			fatal(err)
		}
		json.NewEncoder(f).Encode(sample)
		f.Close()
		sampleFile = f.Name()
		defer os.Remove(sampleFile)
	}
	if *header {
		fmt.Println("| corpus | encoding | MiB | ftprep cold | ftprep cold (wall) | ftprep warm | tiktoken-go | npm tiktoken | cold ÷ tiktoken-go | cold ÷ npm | sample totals equal |")
		fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	}
	tiktoken.SetBpeLoader(loader.NewOfflineLoader())
	for _, name := range strings.Split(*encs, ",") {
		enc, err := tokens.Get(name)
		if err != nil {
			fatal(err)
		}
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile + "." + name)
			if err != nil {
				fatal(err)
			}
			pprof.StartCPUProfile(f)
		}
		counts := make([]int, len(chunks))
		t0, c0 := time.Now(), cpuTime()
		for i, c := range chunks {
			counts[i] = enc.Count(c)
		}
		coldWall, cold := mbps(len(data), time.Since(t0)), mbps(len(data), cpuTime()-c0)
		c0 = cpuTime()
		for _, c := range chunks {
			enc.Count(c)
		}
		warm := mbps(len(data), cpuTime()-c0)
		if *cpuprofile != "" {
			pprof.StopCPUProfile()
		}
		ours := 0
		for i := range sample {
			ours += counts[i]
		}
		tk, err := tiktoken.GetEncoding(name)
		if err != nil {
			fatal(err)
		}
		theirs := 0
		c0 = cpuTime()
		for _, c := range sample {
			theirs += len(tk.EncodeOrdinary(c))
		}
		tkgo := mbps(sampleBytes, cpuTime()-c0)
		npm, npmTotal, npmRatio := "–", ours, "–"
		if sampleFile != "" {
			if out, err := exec.Command("node", *npmScript, sampleFile, name).Output(); err == nil {
				var r struct {
					Total int     `json:"total"`
					MBps  float64 `json:"mbps"`
				}
				if json.Unmarshal(bytes.TrimSpace(out), &r) == nil {
					npm, npmTotal, npmRatio = fmt.Sprintf("%.1f", r.MBps), r.Total, fmt.Sprintf("%.1f×", cold/r.MBps)
				}
			}
		}
		equal := "yes"
		if ours != theirs || ours != npmTotal {
			equal = fmt.Sprintf("NO: ftprep %d, tiktoken-go %d, npm %d", ours, theirs, npmTotal)
		}
		fmt.Printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %.1f× | %s | %s |\n",
			*label, name, float64(len(data))/(1<<20), cold, coldWall, warm, tkgo, npm, cold/tkgo, npmRatio, equal)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		fmt.Fprintf(os.Stderr, "bench %s: peak RSS %d MiB (corpus in memory, both vocabularies, tiktoken-go too)\n", *label, ru.Maxrss>>10)
	}
}

// streamCount reads the corpus in chunks of about n bytes ending at a newline
// and counts them, holding nothing else in memory.
func streamCount(path, encs string, n int) {
	for _, name := range strings.Split(encs, ",") {
		enc, err := tokens.Get(name)
		if err != nil {
			fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			fatal(err)
		}
		r := bufio.NewReaderSize(f, 1<<20)
		var buf []byte
		total, size := 0, 0
		c0 := cpuTime()
		for {
			line, err := r.ReadSlice('\n')
			buf = append(buf, line...)
			if len(buf) >= n || (err != nil && len(buf) > 0) {
				total += enc.CountBytes(buf)
				size += len(buf)
				buf = buf[:0]
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				break
			}
		}
		f.Close()
		fmt.Printf("%s: %d tokens in %.1f MiB, %.1f MB/CPU-s cold (reading included)\n", name, total, float64(size)/(1<<20), mbps(size, cpuTime()-c0))
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		fmt.Printf("peak RSS %d MiB (counting alone, streamed, %s)\n", ru.Maxrss>>10, encs)
	}
}

// split cuts s into chunks of about n bytes, at newlines where possible.
func split(s string, n int) []string {
	var out []string
	for len(s) > 0 {
		if len(s) <= n {
			out = append(out, s)
			break
		}
		cut := strings.LastIndexByte(s[:n], '\n') + 1
		if cut == 0 {
			cut = n
			for cut < len(s) && s[cut]&0xc0 == 0x80 { // keep characters whole
				cut++
			}
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return out
}

func mbps(n int, d time.Duration) float64 { return float64(n) / 1e6 / d.Seconds() }

// cpuTime is the process's user+system CPU time: on a shared machine MB per
// CPU-second is a steadier per-core figure than wall time (it includes the GC's work).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
