package validate

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/testenv"
)

// raceEnabled is set under the race detector, which makes the big tests slow.
var raceEnabled bool

const okLine = `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}`

// okLines returns n distinct valid chat lines.
func okLines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(`{"messages": [{"role": "user", "content": "question %d"}, {"role": "assistant", "content": "answer %d"}]}`, i, i)
	}
	return out
}

func run(t *testing.T, input string, o Options) report.FileResult {
	t.Helper()
	res, err := Validate(context.Background(), strings.NewReader(input), "t.jsonl", o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rulesOf(fs []report.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d:%s:%s", f.Line, f.Rule, f.Severity))
	}
	return out
}

func TestCleanFile(t *testing.T) {
	in := "\xEF\xBB\xBF" + strings.Join(okLines(12), "\n") + "\n"
	res := run(t, in, Options{})
	if !res.OK || len(res.Findings) != 0 {
		t.Fatalf("clean file: ok=%v findings=%v", res.OK, rulesOf(res.Findings))
	}
	if res.Examples != 12 || res.Bytes != int64(len(in)) || !res.BOM || res.Format != "sft" {
		t.Errorf("examples=%d bytes=%d (want %d) bom=%v format=%q", res.Examples, res.Bytes, len(in), res.BOM, res.Format)
	}
	if res.Tokens == nil || res.Tokens.Total == 0 || res.Tokens.Encoding != "o200k_base" || res.Tokens.Limit != 65536 {
		t.Fatalf("tokens: %+v", res.Tokens)
	}
	// 3 + (3 + user + "question i") + (3 + assistant + "answer i"): the same for every line.
	if res.Tokens.Min != res.Tokens.Max {
		t.Errorf("min %d != max %d for lines of the same shape", res.Tokens.Min, res.Tokens.Max)
	}
}

func TestTargetSeverities(t *testing.T) {
	img := `{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}`
	many := func(n int) string {
		parts := strings.TrimSuffix(strings.Repeat(img+", ", n), ", ")
		return `{"messages": [{"role": "user", "content": [` + parts + `]}, {"role": "assistant", "content": "ok"}]}`
	}
	in := strings.Join(append([]string{many(11), many(65)}, okLines(10)...), "\n")
	for _, tc := range []struct {
		target string
		want   []string
	}{
		{"azure", []string{"0:bom-missing:error", "1:too-many-images:warning", "2:too-many-images:error"}},
		{"openai", []string{"1:too-many-images:error", "2:too-many-images:error"}},
	} {
		res := run(t, in, Options{Target: tc.target, NoTokens: true})
		if got := rulesOf(res.Findings); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("target %s: got %v, want %v", tc.target, got, tc.want)
		}
	}
}

func TestOptionsErrors(t *testing.T) {
	for _, o := range []Options{{Method: "ppo"}, {Target: "aws"}} {
		if _, err := Validate(context.Background(), strings.NewReader(okLine), "x", o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if _, err := ValidateFile(context.Background(), filepath.Join(t.TempDir(), "missing.jsonl"), Options{}); err == nil {
		t.Error("missing file: no error")
	}
}

// TestHookAndOnLine pins the per-line callbacks split and fix rely on.
func TestHookAndOnLine(t *testing.T) {
	bad := `{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y", "weight": 2}]}`
	dpo := `{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}`
	in := "\xEF\xBB\xBF" + okLine + "\r\n\n" + bad + "\n" + dpo + "\n" + okLine
	var lines []Line
	o := Options{Workers: 3,
		Hook:   func(raw []byte, _ *jsonl.Value, ok bool) any { return fmt.Sprintf("%v:%d", ok, len(raw)) },
		OnLine: func(l Line) { lines = append(lines, l) }}
	run(t, in, o)
	type L struct {
		N      int
		Off    int64
		Len    int
		Blank  bool
		Errors int
		Format string
		Hook   any
		Tokens bool
	}
	var got []L
	for _, l := range lines {
		got = append(got, L{l.Number, l.Offset, l.Len, l.Blank, l.Errors, l.Format, l.Hook, l.Tokens > 0})
	}
	n := int64(len(okLine))
	want := []L{
		{1, 3, len(okLine), false, 0, "chat", "true:" + fmt.Sprint(len(okLine)), true},
		{2, 3 + n + 2, 0, true, 0, "", nil, false},
		{3, 3 + n + 3, len(bad), false, 1, "chat", "false:" + fmt.Sprint(len(bad)), false},
		// mixed-formats is decided in order: Hook saw ok=true, OnLine sees the error.
		{4, 3 + n + 4 + int64(len(bad)), len(dpo), false, 1, "dpo", "true:" + fmt.Sprint(len(dpo)), false},
		// a duplicate is a warning: no error, tokens counted.
		{5, 3 + n + 5 + int64(len(bad)+len(dpo)), len(okLine), false, 0, "chat", "true:" + fmt.Sprint(len(okLine)), true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OnLine lines:\n got %+v\nwant %+v", got, want)
	}
}

// TestDeterminism: identical results for any GOMAXPROCS and worker count.
func TestDeterminism(t *testing.T) {
	in := plantedFile(3000)
	var ref report.FileResult
	for i, cfg := range []struct{ procs, workers int }{{1, 1}, {4, 8}, {4, 1}, {1, 8}, {2, 0}} {
		old := runtime.GOMAXPROCS(cfg.procs)
		res := run(t, in.text, Options{Workers: cfg.workers})
		runtime.GOMAXPROCS(old)
		if i == 0 {
			ref = res
			continue
		}
		if !reflect.DeepEqual(res, ref) {
			t.Fatalf("GOMAXPROCS=%d workers=%d: result differs from GOMAXPROCS=1 workers=1", cfg.procs, cfg.workers)
		}
	}
}

type planted struct {
	text string
	want []string // "line:rule", in order
}

// plantedFile builds n lines of valid chat with errors planted at known lines
// (some long, to cross batch boundaries).
func plantedFile(n int) planted {
	var b strings.Builder
	var want []string
	long := strings.Repeat("long text ", 3000) // 30 KB, over a batch's line budget
	for i := 1; i <= n; i++ {
		switch {
		case i%997 == 0:
			fmt.Fprintf(&b, `{"messages": [{"role": "user", "content": "q%d"}, {"role": "assistant", "content": "a", "weight": 3}]}`, i)
			want = append(want, fmt.Sprintf("%d:weight-invalid", i))
		case i%1499 == 0:
			fmt.Fprintf(&b, `{"messages": [{"role": "user", "content": "q%d"}, {"role": "assistant", "content": "a"}]`, i)
			want = append(want, fmt.Sprintf("%d:json-invalid", i))
		case i%7001 == 0:
			fmt.Fprintf(&b, `{"messages": [{"role": "user", "content": "%d %s"}, {"role": "robot", "content": "a"}]}`, i, long)
			want = append(want, fmt.Sprintf("%d:assistant-missing", i), fmt.Sprintf("%d:role-invalid", i))
		case i%503 == 0:
			// blank line
		default:
			fmt.Fprintf(&b, `{"messages": [{"role": "system", "content": "line %d"}, {"role": "user", "content": "Wie spät ist es? 今何時ですか"}, {"role": "assistant", "content": "answer %d"}]}`, i, i)
		}
		if i%503 == 0 && i%997 != 0 && i%1499 != 0 && i%7001 != 0 {
			want = append(want, fmt.Sprintf("%d:blank-line", i))
		}
		b.WriteByte('\n')
	}
	return planted{text: b.String(), want: want}
}

// TestPlantedErrors: every planted error is found, at its line, in order,
// with one worker and with many (200k lines; 20k under -short).
func TestPlantedErrors(t *testing.T) {
	n := 200000
	if testing.Short() || raceEnabled {
		n = 20000
	}
	p := plantedFile(n)
	for _, workers := range []int{1, 6} {
		res := run(t, p.text, Options{Workers: workers, NoTokens: true, Target: TargetOpenAI})
		var got []string
		for _, f := range res.Findings {
			got = append(got, fmt.Sprintf("%d:%s", f.Line, f.Rule))
		}
		if !reflect.DeepEqual(got, p.want) {
			for i := range min(len(got), len(p.want)) {
				if got[i] != p.want[i] {
					t.Fatalf("workers=%d: finding %d is %s, want %s (%d findings, want %d)", workers, i, got[i], p.want[i], len(got), len(p.want))
				}
			}
			t.Fatalf("workers=%d: %d findings, want %d", workers, len(got), len(p.want))
		}
	}
}

func TestFileTooLarge(t *testing.T) {
	old := fileLimit
	fileLimit = 100
	defer func() { fileLimit = old }()
	res := run(t, strings.Join(okLines(10), "\n"), Options{NoTokens: true, Target: TargetOpenAI})
	if got := rulesOf(res.Findings); !reflect.DeepEqual(got, []string{"0:file-too-large:error"}) {
		t.Errorf("got %v", got)
	}
}

func TestInternalErrorRecovered(t *testing.T) {
	testPanic = func(raw []byte) {
		if bytes.Contains(raw, []byte("answer 3")) {
			panic("boom")
		}
	}
	defer func() { testPanic = nil }()
	res := run(t, strings.Join(okLines(10), "\n"), Options{Target: TargetOpenAI})
	if got := rulesOf(res.Findings); !reflect.DeepEqual(got, []string{"4:internal-error:error"}) {
		t.Fatalf("got %v", got)
	}
	if !strings.Contains(res.Findings[0].Message, "boom") || res.Examples != 10 {
		t.Errorf("message %q, examples %d", res.Findings[0].Message, res.Examples)
	}
}

func TestImageTooLarge(t *testing.T) {
	png := tinyPNG(t)
	big := append(append([]byte{}, png...), make([]byte, MaxImageBytes)...)
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(big)
	line := `{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "` + uri + `"}}]}, {"role": "assistant", "content": "ok"}]}`
	res := run(t, line, Options{Target: TargetOpenAI, NoTokens: true})
	want := []string{"0:too-few-examples:error", "1:image-too-large:error"}
	if got := rulesOf(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAIAAAA2iEnWAAAAEElEQVR4nGNgYGBgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// errReader fails after its data.
type errReader struct{ r io.Reader }

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestReadErrorAndCancel(t *testing.T) {
	_, err := Validate(context.Background(), &errReader{strings.NewReader(okLine + "\n")}, "x", Options{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("read error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Validate(ctx, strings.NewReader(plantedFile(5000).text), "x", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestProgress(t *testing.T) {
	in := plantedFile(20000).text
	var calls []int64
	run(t, in, Options{NoTokens: true, Progress: func(n int64) { calls = append(calls, n) }})
	if len(calls) < 2 || calls[len(calls)-1] != int64(len(in)) {
		t.Fatalf("progress calls %v (input %d bytes)", calls, len(in))
	}
	for i := 1; i < len(calls); i++ {
		if calls[i] <= calls[i-1] {
			t.Fatalf("progress not increasing: %v", calls)
		}
	}
}

// TestRealData: the public datasets in ../shared/data/real report no error
// except the ones documented in docs/validate-real-data.md, each a real
// violation of the service's rules.
func TestRealData(t *testing.T) {
	dir := filepath.Join(testenv.SharedDir(t), "data", "real")
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(files) == 0 {
		t.Skip("no real datasets")
	}
	// Errors the files truly have under --target openai (bom-missing is
	// Azure's documented BOM rule and applies to every file without one).
	expected := map[string]map[string]int{
		"49595-HW1__biden.jsonl":                      {"json-invalid": 5},
		"daneel__validation_set.jsonl":                {"tool-call-invalid": 79},
		"openai-cookbook__toy_chat_fine_tuning.jsonl": {"too-few-examples": 1},
	}
	// Warnings, as docs/validate-real-data.md lists them.
	warnings := map[string]map[string]int{
		"49595-HW1__biden.jsonl":                      {"blank-line": 3},
		"GenAI-Autograding__validation_set.jsonl":     {"duplicate-example": 35},
		"openai-cookbook__toy_chat_fine_tuning.jsonl": {"user-missing": 1},
		// Validation files of 2 examples: the 10-example minimum is the training file's.
		"akshata29-finetuning__conv_dpo_val.jsonl": {"too-few-examples": 1},
		"akshata29-finetuning__conv_sft_val.jsonl": {"too-few-examples": 1},
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			for _, target := range []string{TargetOpenAI, TargetAzure} {
				// As the CLI does with --kind auto: the file name says validation data.
				res, err := ValidateFile(context.Background(), path, Options{Target: target, Validation: LooksLikeValidationFile(path)})
				if err != nil {
					t.Fatal(err)
				}
				got, gotW := map[string]int{}, map[string]int{}
				for _, f := range res.Findings {
					if f.Severity == report.Error {
						got[f.Rule]++
					} else {
						gotW[f.Rule]++
					}
				}
				wantW := warnings[name]
				if wantW == nil {
					wantW = map[string]int{}
				}
				if !reflect.DeepEqual(gotW, wantW) {
					t.Errorf("target %s: warnings %v, want %v", target, gotW, wantW)
				}
				want := map[string]int{}
				for r, n := range expected[name] {
					want[r] = n
				}
				if target == TargetAzure && !res.BOM {
					want["bom-missing"] = 1
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("target %s: errors %v, want %v", target, got, want)
				}
				if res.Tokens == nil || (res.Examples > 0 && len(want) == 0 && res.Tokens.Total == 0) {
					t.Errorf("target %s: no token statistics", target)
				}
			}
		})
	}
}

func TestCheckerLine(t *testing.T) {
	k, err := NewChecker(Options{Model: "gpt-35-turbo"})
	if err != nil {
		t.Fatal(err)
	}
	fs, l := k.Check(7, []byte(okLine))
	if len(fs) != 0 || l.Tokens == 0 || l.Format != FormatChat || l.Number != 7 {
		t.Errorf("ok line: %v %+v", fs, l)
	}
	fs, l = k.Check(8, []byte(`{"messages": [{"role": "user", "content": "<|fim_prefix|>"}, {"role": "assistant", "content": "x"}]}`))
	if got := rulesOf(fs); !reflect.DeepEqual(got, []string{"8:special-token:error"}) || l.Errors != 1 {
		t.Errorf("special token: %v %+v", got, l)
	}
}

// TestTokenFormula pins the cookbook formula on a hand-counted example.
func TestTokenFormula(t *testing.T) {
	k, err := NewChecker(Options{})
	if err != nil {
		t.Fatal(err)
	}
	enc := k.c.enc
	line := `{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "name": "bob", "content": "Hello there"}, {"role": "assistant", "content": "Hi", "weight": 0}, {"role": "assistant", "content": [{"type": "text", "text": "Bye now"}]}]}`
	want := 3 +
		3 + enc.Count("system") + enc.Count("Be brief.") +
		3 + enc.Count("user") + enc.Count("Hello there") + enc.Count("bob") + 1 +
		3 + enc.Count("assistant") + enc.Count("Hi") +
		3 + enc.Count("assistant") + enc.Count("Bye now")
	var out lineOut
	k.c.checkPhysical(&out, lineFor(line), jsonl.Parse)
	if out.ex.Tokens != want {
		t.Errorf("tokens %d, want %d", out.ex.Tokens, want)
	}
	if a := enc.Count("Hi") + enc.Count("Bye now"); out.ex.Assistant != a || out.ex.Trainable != enc.Count("Bye now") {
		t.Errorf("assistant %d trainable %d, want %d and %d", out.ex.Assistant, out.ex.Trainable, a, enc.Count("Bye now"))
	}
}

func TestImageTokens(t *testing.T) {
	for _, tc := range []struct{ w, h, want int }{
		{1024, 1024, 765},  // OpenAI's worked example: 768×768, 4 tiles
		{2048, 4096, 1105}, // 1024×2048 → 768×1536, 6 tiles
		{512, 512, 255},    // one tile, not upscaled
		{4, 3, 255},
		{4096, 8192, 1105},
	} {
		if got := imageTokens(tc.w, tc.h); got != tc.want {
			t.Errorf("%dx%d: %d tokens, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestImageHeaders(t *testing.T) {
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
		0xFF, 0xC0, 0, 17, 8, 0x01, 0x2C, 0x02, 0x58, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9}
	webpL := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f"), 0x1f, 0xc0, 0x11, 0x00, 0, 0, 0, 0, 0, 0)
	webpX := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00"), 0x3f, 0x01, 0x00, 0xc7, 0x00, 0x00)
	for _, tc := range []struct {
		name   string
		data   []byte
		format string
		w, h   int
	}{
		{"png", tinyPNG(t), "png", 2, 3},
		{"jpeg", jpeg, "jpeg", 600, 300},
		{"webp-lossless", webpL, "webp", 32, 72},
		{"webp-extended", webpX, "webp", 320, 200},
		{"gif", []byte("GIF89a\x10\x00\x20\x00\x00\x00\x00"), "gif", 16, 32},
		{"bmp", []byte("BM\x00\x00\x00\x00\x00\x00"), "", 0, 0},
	} {
		info, err := sniffBase64Image(base64.StdEncoding.EncodeToString(tc.data))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if info.format != tc.format || info.w != tc.w || info.h != tc.h || info.size != int64(len(tc.data)) {
			t.Errorf("%s: got %+v, want %s %dx%d size %d", tc.name, info, tc.format, tc.w, tc.h, len(tc.data))
		}
	}
	if _, err := sniffBase64Image("iVBORw0KGgo*AAA"); err == nil {
		t.Error("bad base64 accepted")
	}
}

// TestNoHeldFile: memory does not grow with the input (a rough guard; the
// benchmark measures RSS).
func TestNoHeldFile(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("short")
	}
	in := strings.Repeat(okLine+"\n", 100000) // 9.5 MB, all duplicates after line 1
	var ms runtime.MemStats
	peak := uint64(0)
	runtime.GC()
	res, err := Validate(context.Background(), strings.NewReader(in), "x", Options{NoTokens: true, Progress: func(int64) {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts["duplicate-example"] != 99999 {
		t.Errorf("duplicates: %d", res.Counts["duplicate-example"])
	}
	if peak > 200<<20 {
		t.Errorf("heap in use %d MB while validating 9.5 MB", peak>>20)
	}
}

func TestJSONContract(t *testing.T) {
	res := run(t, strings.Join(okLines(10), "\n"), Options{Target: TargetOpenAI})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"findings":[]`, `"counts":{}`, `"format":"sft"`, `"tokens":{"encoding":"o200k_base"`} {
		if !bytes.Contains(b, []byte(k)) {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
}

func lineFor(s string) jsonl.Line { return jsonl.Line{Number: 1, Data: []byte(s)} }

func TestDuplicateKeyBigObject(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {`)
	for i := range 40 {
		fmt.Fprintf(&b, `"p%d": {}, `, i)
	}
	b.WriteString(`"p7": {}}}}}]}`)
	k, err := NewChecker(Options{NoTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := k.Check(1, []byte(b.String()))
	if len(fs) != 1 || fs[0].Rule != "duplicate-key" || fs[0].Pointer != "/tools/0/function/parameters/properties/p7" {
		t.Fatalf("got %+v", fs)
	}
	if got := b.String()[fs[0].Column-1:]; !strings.HasPrefix(got, `"p7": {}}`) {
		t.Errorf("column %d points at %.10q", fs[0].Column, got)
	}
}

// TestCancelMidway: cancelling during the run returns context.Canceled and
// leaves no goroutine behind.
func TestCancelMidway(t *testing.T) {
	in := plantedFile(20000).text
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Validate(ctx, strings.NewReader(in), "x", Options{Workers: 4, NoTokens: true, Progress: func(int64) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines before, %d after", before, runtime.NumGoroutine())
}

func TestLoneSurrogate(t *testing.T) {
	line := `{"messages": [{"role": "user", "content": "a\ud800b"}, {"role": "assistant", "content": "ok"}]}`
	v, serr := jsonl.Parse([]byte(line))
	if serr != nil {
		t.Fatal(serr)
	}
	if !v.Get("messages").Elems[0].Get("content").LoneSurrogate {
		t.Skip("this jsonl parser does not mark unpaired surrogates")
	}
	k, err := NewChecker(Options{NoTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := k.Check(1, []byte(line))
	if len(fs) != 1 || fs[0].Rule != "utf8-invalid" || fs[0].Pointer != "/messages/0/content" || fs[0].Column != strings.Index(line, `"a\u`)+1 {
		t.Fatalf("got %+v", fs)
	}
}

func TestExcerpt(t *testing.T) {
	line := []byte(strings.Repeat("x", 50) + "\t\"caf\xe9\" ü" + strings.Repeat("y", 50))
	off := 50 + 5 // the invalid byte
	ex, col := excerpt(line, off)
	if len(ex) > 64 || col < 1 || col > len(ex) {
		t.Fatalf("excerpt %q col %d", ex, col)
	}
	if ex[col-1] != '?' || !strings.Contains(ex, " \"caf?\" ü") {
		t.Errorf("excerpt %q col %d: want the invalid byte as '?' under the caret and the tab as a space", ex, col)
	}
	k, err := NewChecker(Options{NoTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := k.Check(1, []byte(`{"messages": [1, 2,]}`))
	if len(fs) != 1 || fs[0].Excerpt == "" || fs[0].Excerpt[fs[0].ExcerptCol-1] != ']' {
		t.Errorf("syntax finding excerpt: %+v", fs)
	}
}

// TestImageTokensEndToEnd: a data-URI image's header decides its tokens; a
// URL counts 85 and is reported as unknown-size.
func TestImageTokensEndToEnd(t *testing.T) {
	// A PNG signature and IHDR for 1024×1024 is all the header reader needs.
	hdr := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x04\x00\x00\x00\x04\x00\x08\x02\x00\x00\x00\x00\x00\x00\x00")
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(hdr)
	line := func(url, detail string) string {
		return `{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "` + url + `", "detail": "` + detail + `"}}]}, {"role": "assistant", "content": "ok"}]}`
	}
	k, err := NewChecker(Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := func(l string) int {
		fs, ln := k.Check(1, []byte(l))
		if len(fs) != 0 {
			t.Fatalf("%v", fs)
		}
		return ln.Tokens
	}
	high, low := count(line(uri, "high")), count(line(uri, "low"))
	if high-low != 765-85 {
		t.Errorf("high %d - low %d = %d, want 680 (765 vs 85 tokens)", high, low, high-low)
	}
	in := strings.Join(append(okLines(9), line("https://example.com/a.png", "auto")), "\n")
	res := run(t, in, Options{Target: TargetOpenAI})
	if res.Tokens == nil || res.Tokens.ImagesUnknown != 1 {
		t.Errorf("images of unknown size: %+v", res.Tokens)
	}
}

// TestValidationFileMinimum: fewer than 10 examples fail a training file but
// only warn for a validation file (the minimum is documented for training data).
func TestValidationFileMinimum(t *testing.T) {
	line := `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}` + "\n"
	data := strings.Repeat(line, 3)
	for _, tc := range []struct {
		valid bool
		want  report.Severity
	}{{false, report.Error}, {true, report.Warning}} {
		res, err := Validate(context.Background(), strings.NewReader(data), "x.jsonl", Options{Target: "openai", Validation: tc.valid, NoTokens: true})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range res.Findings {
			if f.Rule == "too-few-examples" {
				found = true
				if f.Severity != tc.want {
					t.Errorf("validation=%v: severity %v, want %v", tc.valid, f.Severity, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("validation=%v: too-few-examples found=%v ok=%v", tc.valid, found, res.OK)
		}
		if res.OK != tc.valid {
			t.Errorf("validation=%v: OK=%v", tc.valid, res.OK)
		}
	}
}

func TestLooksLikeValidationFile(t *testing.T) {
	for name, want := range map[string]bool{
		"valid.jsonl": true, "data/conv_sft_val.jsonl": true, "validation_set.jsonl": true, "eval-2.jsonl": true,
		"train.jsonl": false, "training_set.jsonl": false, "interval.jsonl": false, "devices.jsonl": false, "/tmp/val/train.jsonl": false,
	} {
		if got := LooksLikeValidationFile(name); got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
}
