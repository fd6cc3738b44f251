package split

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ftprep/ftprep/pkg/testenv"
)

var update = flag.Bool("update", false, "rewrite golden files")

// genLine returns one chat example; conv names the case in the system prompt (for --group-by).
func genLine(r *rand.Rand, conv int) string {
	words := []string{"alpha", "beta", "gamma", "delta", "naïve", "日本", "\\\"q\\\"", "tab\\t"}
	w := func() string {
		n := 1 + r.IntN(6)
		var b []string
		for range n {
			b = append(b, words[r.IntN(len(words))])
		}
		return strings.Join(b, " ")
	}
	return fmt.Sprintf(`{"messages":[{"role":"system","content":"You help with case c%d."},{"role":"user","content":"%s"},{"role":"assistant","content":"%s"}]}`,
		conv, w(), w())
}

// reformat writes the same JSON with another key order and spacing (a canonical duplicate).
func reformat(line string) string {
	var v map[string]any
	if err := json.Unmarshal([]byte(line), &v); err != nil {
		panic(err)
	}
	var b strings.Builder
	b.WriteString("{ ")
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" ,  ")
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v[k])
		b.Write(kb)
		b.WriteString(" : ")
		b.Write(vb)
	}
	b.WriteString(" }")
	return b.String()
}

// genDataset makes n lines with exact and reformatted duplicates, blank lines and CRLF endings.
func genDataset(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var lines []string
	var b bytes.Buffer
	for i := range n {
		var l string
		switch {
		case len(lines) > 0 && r.IntN(10) == 0:
			l = lines[r.IntN(len(lines))]
		case len(lines) > 0 && r.IntN(20) == 0:
			l = reformat(lines[r.IntN(len(lines))])
		default:
			l = genLine(r, r.IntN(n/4+1))
		}
		lines = append(lines, l)
		b.WriteString(l)
		switch {
		case i%17 == 3:
			b.WriteString("\r\n")
		default:
			b.WriteString("\n")
		}
		if i%29 == 5 {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// canon is the test's own oracle for canonical JSON (encoding/json sorts map keys).
func canon(t *testing.T, line []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(line, &v); err != nil {
		t.Fatalf("bad line %q: %v", line, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func conv(t *testing.T, line []byte) string {
	var v struct {
		Messages []struct{ Content string }
	}
	if err := json.Unmarshal(line, &v); err != nil {
		t.Fatal(err)
	}
	return v.Messages[0].Content
}

// lines returns the non-blank lines of data without their endings (BOM stripped).
func lines(data []byte) [][]byte {
	data = bytes.TrimPrefix(data, bom)
	var out [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	sort.Strings(n)
	return n
}

func TestSplitProperties(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n      int
		seed   int64
		dedupe bool
		group  string
		opts   Options
	}{
		{name: "plain", n: 300, seed: 42},
		{name: "dedupe", n: 300, seed: 7, dedupe: true},
		{name: "group", n: 400, seed: 1, group: "/messages/0/content"},
		{name: "group-dedupe-openai", n: 400, seed: 99, group: "/messages/0/content", dedupe: true, opts: Options{Target: "openai"}},
		{name: "count", n: 200, seed: 3, opts: Options{ValidCount: 25}},
		{name: "ratio", n: 500, seed: 5, opts: Options{ValidRatio: 0.3}},
		{name: "cap", n: 500, seed: 5, opts: Options{MaxTrainExamples: 100, ValidRatio: 0.2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			data := genDataset(uint64(tc.n)*uint64(tc.seed+1), tc.n)
			in := writeFile(t, dir, "in.jsonl", data)
			o := tc.opts
			o.Train, o.Valid = filepath.Join(dir, "train.jsonl"), filepath.Join(dir, "valid.jsonl")
			o.Seed, o.Dedupe, o.GroupBy = tc.seed, tc.dedupe, tc.group
			res, err := Split(context.Background(), []string{in}, o)
			if err != nil {
				t.Fatal(err)
			}
			m := res.Manifest
			train, _ := os.ReadFile(o.Train)
			valid, _ := os.ReadFile(o.Valid)
			for name, b := range map[string][]byte{"train": train, "valid": valid} {
				hasBOM := bytes.HasPrefix(b, bom)
				if hasBOM != (o.Target != "openai") {
					t.Errorf("%s: BOM %v for target %q", name, hasBOM, o.Target)
				}
				if len(b) > 0 && b[len(b)-1] != '\n' || bytes.Contains(b, []byte("\r")) || bytes.Contains(b, []byte("\n\n")) {
					t.Errorf("%s: line endings not all single \\n", name)
				}
			}
			tl, vl := lines(train), lines(valid)
			if m.Train.Examples != len(tl) || m.Valid.Examples != len(vl) {
				t.Errorf("manifest counts %d/%d, files %d/%d", m.Train.Examples, m.Valid.Examples, len(tl), len(vl))
			}
			if m.Train.Bytes != int64(len(train)) || m.Valid.Bytes != int64(len(valid)) {
				t.Errorf("manifest bytes wrong")
			}
			input := lines(data)
			if m.InputExamples != len(input) {
				t.Errorf("input_examples %d, want %d", m.InputExamples, len(input))
			}
			// Nothing lost or duplicated: train ∪ valid = input minus removed duplicates (and sampled).
			count := map[string]int{}
			for _, l := range input {
				count[string(l)]++
			}
			got := map[string]int{}
			for _, l := range append(append([][]byte{}, tl...), vl...) {
				got[string(l)]++
				if count[string(l)] == 0 {
					t.Fatalf("output line not in input (not byte-identical?): %q", l)
				}
			}
			if tc.dedupe {
				seen := map[string]bool{}
				uniq := 0
				for _, l := range input {
					if c := canon(t, l); !seen[c] {
						seen[c] = true
						uniq++
					}
				}
				if m.DuplicatesRemoved != len(input)-uniq {
					t.Errorf("duplicates_removed %d, want %d", m.DuplicatesRemoved, len(input)-uniq)
				}
				cs := map[string]bool{}
				for _, l := range append(append([][]byte{}, tl...), vl...) {
					c := canon(t, l)
					if cs[c] {
						t.Errorf("duplicate survived --dedupe: %s", l)
					}
					cs[c] = true
				}
				if len(cs)+m.SampledOut != uniq {
					t.Errorf("kept %d + sampled %d, want %d unique", len(cs), m.SampledOut, uniq)
				}
			} else {
				total := 0
				for l, c := range got {
					total += c
					if c > count[l] {
						t.Errorf("line written %d times, in input %d times", c, count[l])
					}
					if m.SampledOut == 0 && c != count[l] {
						t.Errorf("line written %d times, in input %d times: %s", c, count[l], l)
					}
				}
				if total+m.SampledOut != len(input) {
					t.Errorf("written %d + sampled %d != input %d", total, m.SampledOut, len(input))
				}
			}
			// No leakage: no canonical content (and no group) on both sides.
			side := map[string]string{}
			for name, ls := range map[string][][]byte{"train": tl, "valid": vl} {
				for _, l := range ls {
					keys := []string{"content:" + canon(t, l)}
					if tc.group != "" {
						keys = append(keys, "group:"+conv(t, l))
					}
					for _, k := range keys {
						if s, ok := side[k]; ok && s != name {
							t.Fatalf("%s on both sides", k)
						}
						side[k] = name
					}
				}
			}
			// Sizes.
			if o.ValidCount > 0 && tc.group == "" && m.Valid.Examples != o.ValidCount {
				t.Errorf("valid has %d examples, want %d", m.Valid.Examples, o.ValidCount)
			}
			if o.MaxTrainExamples > 0 && m.Train.Examples > o.MaxTrainExamples {
				t.Errorf("train %d over cap %d", m.Train.Examples, o.MaxTrainExamples)
			}
			if o.ValidCount == 0 && tc.group == "" {
				r := o.ValidRatio
				if r == 0 {
					r = 0.1
				}
				share := float64(m.Valid.Examples) / float64(m.Valid.Examples+m.Train.Examples)
				if share < r-0.02 || share > r+0.02 {
					t.Errorf("valid share %.3f, want about %.2f", share, r)
				}
			}
			if n := dirNames(t, dir); len(n) != 3 {
				t.Errorf("leftover files: %v", n)
			}
		})
	}
}

func runSplit(t *testing.T, inputs []string, o Options) (*Manifest, []byte, []byte) {
	t.Helper()
	res, err := Split(context.Background(), inputs, o)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(o.Train)
	b, _ := os.ReadFile(o.Valid)
	return res.Manifest, a, b
}

func TestDeterminism(t *testing.T) {
	dir := t.TempDir()
	data := genDataset(11, 400)
	in := writeFile(t, dir, "in.jsonl", data)
	base := Options{Seed: 42, GroupBy: "/messages/0/content", Dedupe: true}
	o1 := base
	o1.Train, o1.Valid = filepath.Join(dir, "t1"), filepath.Join(dir, "v1")
	m1, t1, v1 := runSplit(t, []string{in}, o1)

	// stdin instead of a path, GOMAXPROCS 1 and 4, worker counts.
	for _, procs := range []int{1, 4} {
		old := runtime.GOMAXPROCS(procs)
		o2 := base
		o2.Train, o2.Valid = filepath.Join(dir, "t2"), filepath.Join(dir, "v2")
		o2.Stdin, o2.Workers, o2.TempDir = bytes.NewReader(data), procs, dir
		m2, t2, v2 := runSplit(t, []string{"-"}, o2)
		runtime.GOMAXPROCS(old)
		if !bytes.Equal(t1, t2) || !bytes.Equal(v1, v2) {
			t.Fatalf("GOMAXPROCS %d, stdin: outputs differ from the path run", procs)
		}
		if m1.Train.SHA256 != m2.Train.SHA256 || m1.Valid.SHA256 != m2.Valid.SHA256 {
			t.Fatal("manifest hashes differ")
		}
	}
	// Shards concatenated in order give the same result as the whole file.
	ls := bytes.SplitAfter(data, []byte("\n"))
	half := len(ls) / 2
	a := writeFile(t, dir, "a.jsonl", bytes.Join(ls[:half], nil))
	b := writeFile(t, dir, "b.jsonl", bytes.Join(ls[half:], nil))
	o3 := base
	o3.Train, o3.Valid = filepath.Join(dir, "t3"), filepath.Join(dir, "v3")
	_, t3, v3 := runSplit(t, []string{a, b}, o3)
	if !bytes.Equal(t1, t3) || !bytes.Equal(v1, v3) {
		t.Fatal("two shards split differently from the whole file")
	}
	// Another seed gives another split of the same sizes (roughly).
	o4 := base
	o4.Seed = 43
	o4.Train, o4.Valid = filepath.Join(dir, "t4"), filepath.Join(dir, "v4")
	_, t4, _ := runSplit(t, []string{in}, o4)
	if bytes.Equal(t1, t4) {
		t.Fatal("seed 43 gave the same split as seed 42")
	}
	// The input's own BOM is not part of any line.
	bomIn := writeFile(t, dir, "bom.jsonl", append(append([]byte{}, bom...), data...))
	o5 := base
	o5.Train, o5.Valid = filepath.Join(dir, "t5"), filepath.Join(dir, "v5")
	_, t5, v5 := runSplit(t, []string{bomIn}, o5)
	if !bytes.Equal(t1, t5) || !bytes.Equal(v1, v5) {
		t.Fatal("a BOM on the input changed the split")
	}
}

func TestGoldenManifest(t *testing.T) {
	root := testenv.RepoRoot(t)
	in := filepath.Join(root, "testdata", "split", "input.jsonl")
	if *update {
		if err := os.WriteFile(in, genDataset(2026, 120), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	o := Options{Train: filepath.Join(dir, "train.jsonl"), Valid: filepath.Join(dir, "valid.jsonl"), Seed: 42, Dedupe: true, NoTokens: true}
	m, _, _ := runSplit(t, []string{in}, o)
	m.Train.Path, m.Valid.Path = "train.jsonl", "valid.jsonl"
	got, _ := json.MarshalIndent(m, "", "  ")
	got = append(got, '\n')
	golden := filepath.Join(root, "testdata", "split", "manifest.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("manifest differs from %s (run go test -update):\n%s", golden, got)
	}
	back, err := ReadManifest(bytes.NewReader(want))
	if err != nil || *back != *m {
		t.Errorf("ReadManifest round trip: %v %+v", err, back)
	}
}

func TestReadManifestErrors(t *testing.T) {
	for _, s := range []string{"", "{}", `{"train":{"path":"a"},"valid":{"path":"b"},"target":"gcp"}`, "not json"} {
		if _, err := ReadManifest(strings.NewReader(s)); err == nil {
			t.Errorf("ReadManifest(%q) succeeded", s)
		}
	}
	if _, err := ReadManifest(strings.NewReader(`{"train":{"path":"a"},"valid":{"path":"b"},"future":1}`)); err != nil {
		t.Errorf("unknown field refused: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	good := genDataset(5, 100)
	bad := append(append([]byte{}, good...), []byte("{\"messages\": [\n{not json}\n")...)
	for _, tc := range []struct {
		name string
		data []byte
		o    Options
		want string
	}{
		{"invalid", bad, Options{}, "invalid line"},
		{"too-few-valid", good, Options{ValidCount: 5}, "at least 10"},
		{"too-few-train", genDataset(5, 15), Options{}, "at least 10"},
		{"too-big", good, Options{ValidRatio: 0.5}, "over the"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := filepath.Join(dir, tc.name)
			os.Mkdir(sub, 0o755)
			in := writeFile(t, sub, "in.jsonl", tc.data)
			if tc.name == "too-big" {
				old := maxFileBytes
				maxFileBytes = 4096
				defer func() { maxFileBytes = old }()
			}
			o := tc.o
			o.Train, o.Valid = filepath.Join(sub, "t.jsonl"), filepath.Join(sub, "v.jsonl")
			res, err := Split(context.Background(), []string{in}, o)
			var re *RefusedError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want refusal with %q", err, tc.want)
			}
			if first := bytes.Count(good, []byte("\n")) + 1; tc.name == "invalid" && (len(res.Rejected) != 2 || res.Rejected[0].Line != first) {
				t.Errorf("rejected = %+v", res.Rejected)
			}
			if n := dirNames(t, sub); len(n) != 1 {
				t.Errorf("files written on refusal: %v", n)
			}
		})
	}
}

func TestSkipInvalid(t *testing.T) {
	dir := t.TempDir()
	good := genDataset(5, 100)
	data := append([]byte("{oops\n"), good...)
	data = append(data, "[1,\n"...)
	in := writeFile(t, dir, "in.jsonl", data)
	o := Options{Train: filepath.Join(dir, "t"), Valid: filepath.Join(dir, "v"), SkipInvalid: true, Rejects: filepath.Join(dir, "r")}
	res, err := Split(context.Background(), []string{in}, o)
	if err != nil {
		t.Fatal(err)
	}
	rj, _ := os.ReadFile(o.Rejects)
	if string(rj) != "{oops\n[1,\n" {
		t.Errorf("rejects = %q", rj)
	}
	if res.Manifest.InvalidSkipped != 2 || res.Manifest.Rejects != o.Rejects {
		t.Errorf("manifest %+v", res.Manifest)
	}
	if got := res.Manifest.Train.Examples + res.Manifest.Valid.Examples; got != len(lines(good)) {
		t.Errorf("kept %d, want %d", got, len(lines(good)))
	}
	if _, err := Split(context.Background(), []string{in}, Options{Train: "a", Valid: "b", SkipInvalid: true}); err == nil {
		t.Error("--skip-invalid without --rejects accepted")
	}
}

type failAfter struct {
	w io.Writer
	n int
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n < len(p) {
		return 0, errors.New("no space left on device")
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestFaultsLeaveNothing(t *testing.T) {
	data := genDataset(8, 3000)
	t.Run("unwritable", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, dir, "in.jsonl", data)
		// A destination whose parent is a regular file fails even for root;
		// a read-only directory is tried too when not root.
		notDir := writeFile(t, dir, "file", []byte("x"))
		bad := []string{filepath.Join(notDir, "v")}
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if os.Geteuid() != 0 {
			bad = append(bad, filepath.Join(ro, "v"))
		}
		for _, v := range bad {
			o := Options{Train: filepath.Join(dir, "t"), Valid: v, SkipInvalid: true, Rejects: filepath.Join(dir, "r")}
			if _, err := Split(context.Background(), []string{in}, o); err == nil {
				t.Fatalf("split to %s succeeded", v)
			}
			if n := dirNames(t, dir); len(n) != 3 {
				t.Errorf("left behind: %v", n)
			}
			if n := dirNames(t, ro); len(n) != 0 {
				t.Errorf("left behind: %v", n)
			}
		}
	})
	t.Run("disk-full", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, dir, "in.jsonl", data)
		calls := 0
		o := Options{Train: filepath.Join(dir, "t"), Valid: filepath.Join(dir, "v"),
			wrap: func(w io.Writer) io.Writer {
				calls++
				if calls == 2 { // the validation file fails after 10 KB
					return &failAfter{w: w, n: 10 << 10}
				}
				return w
			}}
		_, err := Split(context.Background(), []string{in}, o)
		if err == nil || !strings.Contains(err.Error(), "no space") {
			t.Fatalf("err = %v", err)
		}
		if n := dirNames(t, dir); len(n) != 1 {
			t.Errorf("left behind: %v", n)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, dir, "in.jsonl", data)
		ctx, cancel := context.WithCancel(context.Background())
		o := Options{Train: filepath.Join(dir, "t"), Valid: filepath.Join(dir, "v"),
			wrap: func(w io.Writer) io.Writer { cancel(); return w }}
		_, err := Split(ctx, []string{in}, o)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if n := dirNames(t, dir); len(n) != 1 {
			t.Errorf("left behind: %v", n)
		}
	})
}

func TestCanonical(t *testing.T) {
	same := [][2]string{
		{`{"a":1,"b":[true,null]}`, ` { "b" : [ true , null ] , "a" : 1 } `},
		{`{"s":"A\u00e9\n"}`, `{"s":"\u0041é\u000a"}`},
		{`{"s":"\/"}`, `{"s":"/"}`},
	}
	for _, p := range same {
		if a, b := hookFunc(nil, false)([]byte(p[0]), nil, true).(*lineInfo), hookFunc(nil, false)([]byte(p[1]), nil, true).(*lineInfo); a.content != b.content {
			t.Errorf("%s and %s hash differently", p[0], p[1])
		}
	}
	differ := [][2]string{
		{`{"a":1}`, `{"a":1.0}`},
		{`{"a":"1"}`, `{"a":1}`},
		{`{"a":[1,2]}`, `{"a":[2,1]}`},
		{`{"a":1,"a":2}`, `{"a":2,"a":1}`},
	}
	for _, p := range differ {
		if a, b := hookFunc(nil, false)([]byte(p[0]), nil, true).(*lineInfo), hookFunc(nil, false)([]byte(p[1]), nil, true).(*lineInfo); a.content == b.content {
			t.Errorf("%s and %s hash the same", p[0], p[1])
		}
	}
}

func TestPointer(t *testing.T) {
	for _, tc := range []struct {
		ptr, line, want string
	}{
		{"/messages/1/content", `{"messages":[{"content":"s"},{"content":"u"}]}`, `"u"`},
		{"/a~1b/c~0d", `{"a/b":{"c~d":7}}`, `7`},
		{"/x/01", `{"x":[1,2]}`, ""},
		{"/x/5", `{"x":[1,2]}`, ""},
		{"/missing", `{"x":1}`, ""},
		{"", `{"x":1}`, `{"x":1}`},
	} {
		toks, ok := parsePointer(tc.ptr)
		if !ok {
			t.Fatalf("parsePointer(%q) failed", tc.ptr)
		}
		v := mustParse(t, tc.line)
		got := ""
		if g := resolve(v, toks); g != nil {
			got = string(appendCanonical(nil, g))
		}
		if got != tc.want {
			t.Errorf("%s in %s = %q, want %q", tc.ptr, tc.line, got, tc.want)
		}
	}
	for _, bad := range []string{"a", "/a~", "/a~2"} {
		if _, ok := parsePointer(bad); ok {
			t.Errorf("parsePointer(%q) accepted", bad)
		}
	}
}

// FuzzCanonical checks the canonicalizer (jsonl.Parser + jsonl.Canonical) against the tree
// oracle (encoding/json tokens + appendCanonical), including the value found at
// a JSON pointer, and that it never panics on bad input.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		`{"b":1,"a":[true,null,{"y":"\u0041","x":-1.5e3}]}`,
		`{"messages":[{"role":"user","content":"a\"b\\c\/\n\t\u00e9\ud83d\ude00\ud800"},{"content":"u","role":"x"}]}`,
		`{"a":1,"a":2,"\"":3,"\\":4,"\u0001":5}`,
		`[1,[2,[3]],{}] `,
		"{\"k\":\"\xff\xfe\"}",
		`"just a string"`,
		`{"x":"\udc00\ud800"}`,
		`{"a":`,
		`{"a" 1}`,
	} {
		f.Add([]byte(s), "/messages/1/content")
	}
	f.Fuzz(func(t *testing.T, line []byte, ptr string) {
		toks, ok := parsePointer(ptr)
		if !ok {
			toks = nil
		}
		if toks == nil {
			toks = []string{}
		}
		got, found, _, err := newCanonicalizer(toks).canon(line)
		if !json.Valid(line) || !utf8.Valid(line) {
			return // only: no panic (the validator refuses these lines before the hook)
		}
		if err != nil {
			t.Fatalf("canonicalizer refused valid JSON %q: %v", line, err)
		}
		v, perr := parse(line)
		if perr != nil {
			t.Skip()
		}
		if want := appendCanonical(nil, v); !bytes.Equal(got, want) {
			t.Fatalf("canon(%q)\n got %q\nwant %q", line, got, want)
		}
		var want []byte
		if g := resolve(v, toks); g != nil {
			want = appendCanonical(nil, g)
		}
		if !bytes.Equal(found, want) {
			t.Fatalf("value at %q in %q: got %q want %q", ptr, line, found, want)
		}
	})
}

// Over 512 MiB (lowered here): refused without caps, sampled to fit with them.
func TestCapsBytes(t *testing.T) {
	old := maxFileBytes
	maxFileBytes = 32 << 10
	defer func() { maxFileBytes = old }()
	dir := t.TempDir()
	in := writeFile(t, dir, "in.jsonl", genDataset(9, 600))
	o := Options{Train: filepath.Join(dir, "t"), Valid: filepath.Join(dir, "v"), ValidCount: 20}
	_, err := Split(context.Background(), []string{in}, o)
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "--max-train-bytes") {
		t.Fatalf("err = %v", err)
	}
	o.MaxTrainBytes = 30 << 10
	m, train, valid := runSplit(t, []string{in}, o)
	if int64(len(train)) > o.MaxTrainBytes || m.Train.Bytes != int64(len(train)) || m.Valid.Examples != 20 || len(lines(valid)) != 20 {
		t.Errorf("train %d bytes (cap %d), valid %d", len(train), o.MaxTrainBytes, m.Valid.Examples)
	}
	if m.SampledOut == 0 || m.SampledOut+m.Train.Examples+m.Valid.Examples != m.InputExamples {
		t.Errorf("sampled_out %d, train %d, valid %d, input %d", m.SampledOut, m.Train.Examples, m.Valid.Examples, m.InputExamples)
	}
	// The validation side does not depend on the training cap.
	o2 := o
	o2.Train, o2.Valid, o2.MaxTrainBytes = filepath.Join(dir, "t2"), filepath.Join(dir, "v2"), 31<<10
	_, _, valid2 := runSplit(t, []string{in}, o2)
	if !bytes.Equal(valid, valid2) {
		t.Error("validation changed with the training cap")
	}
}
