// Command gen writes a deterministic, realistic fine-tuning corpus for the
// validate benchmark: chat JSONL (UTF-8 with a BOM) whose text comes from the
// Go distribution's own sources and documentation (real prose and code nobody
// here wrote), mixing single- and multi-turn dialogues, tool calls, images as
// data URIs and non-Latin text.
//
//	go run ./benchmarks/validate/gen -mib 512 -o corpus.jsonl
package main

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

func main() {
	mib := flag.Int("mib", 512, "size of the corpus in MiB")
	out := flag.String("o", "corpus.jsonl", "output file")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same bytes)")
	flag.Parse()
	texts, err := loadTexts(filepath.Join(runtime.GOROOT(), "src"))
	if err != nil || len(texts) == 0 {
		fmt.Fprintf(os.Stderr, "gen: reading Go sources: %v (%d texts)\n", err, len(texts))
		os.Exit(1)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("\uFEFF")
	g := &gen{r: rand.New(rand.NewPCG(*seed, 42)), texts: texts, images: makeImages()}
	limit := int64(*mib) << 20
	var n int64 = 3
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	lines := 0
	for n < limit {
		buf.Reset()
		enc.Encode(g.example()) // appends '\n'
		b := buf.Bytes()[:buf.Len()-1]
		if n+int64(len(b))+1 > limit && lines >= 10 {
			break
		}
		w.Write(b)
		w.WriteByte('\n')
		n += int64(len(b)) + 1
		lines++
	}
	if err := w.Flush(); err == nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d examples, %d bytes\n", *out, lines, n)
}

// loadTexts collects comment paragraphs and function bodies from the Go
// sources under root, in path order.
func loadTexts(root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	var texts []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var para []string
		for _, line := range strings.Split(string(b), "\n") {
			t := strings.TrimSpace(line)
			if c, ok := strings.CutPrefix(t, "//"); ok && !strings.HasPrefix(c, "go:") {
				para = append(para, strings.TrimSpace(c))
				continue
			}
			if len(para) >= 2 {
				texts = append(texts, strings.Join(para, " "))
			}
			para = para[:0]
		}
		// Whole functions as code samples (whitespace runs, indentation).
		for _, fn := range strings.Split(string(b), "\nfunc ")[1:] {
			if end := strings.Index(fn, "\n}\n"); end > 0 && end < 4000 {
				texts = append(texts, "```go\nfunc "+fn[:end+2]+"\n```")
			}
		}
		if len(texts) > 200000 {
			break
		}
	}
	return texts, err
}

// nonLatin are short texts in other scripts, mixed into prompts and answers.
var nonLatin = []string{
	"この関数はスライスを並べ替えます。計算量は O(n log n) です。",
	"这个函数返回一个新的切片，原来的切片不会被修改。",
	"هذه الدالة تعيد خطأً إذا كان الملف غير موجود.",
	"Эта функция безопасна для одновременного использования несколькими горутинами.",
	"이 함수는 입력이 비어 있으면 0을 반환합니다.",
	"Αυτή η συνάρτηση επιστρέφει το μήκος της συμβολοσειράς.",
	"यह फ़ंक्शन त्रुटि लौटाता है यदि इनपुट अमान्य है।",
	"Diese Funktion gibt einen Fehler zurück, wenn die Datei fehlt. 🚀👍🏽",
}

var systems = []string{
	"You are a senior Go engineer who explains the standard library precisely and briefly.",
	"You are a helpful assistant for developers. Answer with code when it helps.",
	"You review Go code and point out bugs, races and unclear names.",
}

var questions = []string{
	"Explain what this code does:", "What does this comment mean?", "Summarise this for a new team member:",
	"Is there a bug here?", "Rewrite this explanation in simpler words:", "Translate the idea into plain English:",
}

var tools = []map[string]any{{"type": "function", "function": map[string]any{
	"name": "search_docs", "description": "Search the Go documentation",
	"parameters": map[string]any{"type": "object", "properties": map[string]any{"query": map[string]any{"type": "string"}}, "required": []string{"query"}},
}}}

type gen struct {
	r      *rand.Rand
	texts  []string
	images []string
	calls  int
}

func (g *gen) text() string { return g.texts[g.r.IntN(len(g.texts))] }

func (g *gen) maybeNonLatin(s string) string {
	if g.r.IntN(6) == 0 {
		return s + "\n\n" + nonLatin[g.r.IntN(len(nonLatin))]
	}
	return s
}

func msg(role string, content any) map[string]any {
	return map[string]any{"role": role, "content": content}
}

// example returns one chat example: 55 % single-turn, 25 % multi-turn,
// 12 % tool calls, 8 % with an image.
func (g *gen) example() map[string]any {
	sys := msg("system", systems[g.r.IntN(len(systems))])
	q := func() string { return g.maybeNonLatin(questions[g.r.IntN(len(questions))] + "\n\n" + g.text()) }
	a := func() string { return g.maybeNonLatin(g.text()) }
	switch k := g.r.IntN(100); {
	case k < 55:
		return map[string]any{"messages": []any{sys, msg("user", q()), msg("assistant", a())}}
	case k < 80:
		ms := []any{sys}
		for range 2 + g.r.IntN(4) {
			ms = append(ms, msg("user", q()), msg("assistant", a()))
		}
		return map[string]any{"messages": ms}
	case k < 92:
		g.calls++
		id := fmt.Sprintf("call_%d", g.calls)
		args, _ := json.Marshal(map[string]string{"query": strings.Fields(g.text() + " x")[0]})
		return map[string]any{"tools": tools, "messages": []any{sys, msg("user", q()),
			map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{"id": id, "type": "function",
				"function": map[string]any{"name": "search_docs", "arguments": string(args)}}}},
			map[string]any{"role": "tool", "tool_call_id": id, "content": g.text()},
			msg("assistant", a())}}
	default:
		img := g.images[g.r.IntN(len(g.images))]
		return map[string]any{"messages": []any{sys, msg("user", []any{
			map[string]any{"type": "text", "text": "What does this diagram show? " + g.text()},
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": img, "detail": []string{"low", "high", "auto"}[g.r.IntN(3)]}},
		}), msg("assistant", a())}}
	}
}

// makeImages returns a few PNG data URIs of different sizes (small, so the
// corpus stays mostly text, but real images with real headers).
func makeImages() []string {
	var out []string
	for _, wh := range [][2]int{{64, 48}, {320, 200}, {1024, 768}, {40, 2000}} {
		out = append(out, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png(wh[0], wh[1])))
	}
	return out
}

// png encodes a w×h gradient as an RGB PNG.
func png(w, h int) []byte {
	var raw bytes.Buffer
	for y := range h {
		raw.WriteByte(0)
		for x := range w {
			raw.Write([]byte{byte(x / 64 * 40), byte(y / 64 * 30), 200})
		}
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	zw.Write(raw.Bytes())
	zw.Close()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2
	chunk("IHDR", ihdr)
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}
