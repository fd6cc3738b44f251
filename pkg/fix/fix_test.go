package fix

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/testenv"
	"github.com/ftprep/ftprep/pkg/validate"
)

const (
	a = `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}`
	b = `{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4 <ok> & done"}]}`
)

var bomS = string(bom)

func repairNames(r *Report) []string {
	var n []string
	for _, x := range r.Repairs {
		n = append(n, x.Name)
	}
	return n
}

// mustBeClean validates the output with the project's engine: no line errors.
func mustBeClean(t *testing.T, out []byte) {
	t.Helper()
	// The placeholder engine on main does not strip a BOM yet; the real one does.
	res, err := validate.Validate(context.Background(), bytes.NewReader(bytes.TrimPrefix(out, bom)), "out", validate.Options{NoTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity >= 2 && f.Line > 0 {
			t.Errorf("fixed output still invalid: line %d: %s", f.Line, f.Message)
		}
	}
}

func TestFixRoundTrips(t *testing.T) {
	pretty := func(s string) string { // keeps key order and escapes
		var o bytes.Buffer
		json.Indent(&o, []byte(s), "", "  ")
		return o.String()
	}
	for _, tc := range []struct {
		name, in, want string
		o              Options
		repairs        []string
	}{
		{"crlf", a + "\r\n" + b + "\r\n", a + "\n" + b + "\n", Options{Target: "openai"}, []string{"crlf"}},
		{"blank", "\n" + a + "\n\n   \n" + b + "\n\n", a + "\n" + b + "\n", Options{Target: "openai"}, []string{"blank-lines"}},
		{"final-newline", a + "\n" + b, a + "\n" + b + "\n", Options{Target: "openai"}, []string{"final-newline"}},
		{"bom-add-azure", a + "\n", bomS + a + "\n", Options{}, []string{"bom-added"}},
		{"bom-remove-openai", bomS + a + "\n", a + "\n", Options{Target: "openai"}, []string{"bom-removed"}},
		{"bom-keep", bomS + a + "\n", bomS + a + "\n", Options{Target: "openai", BOM: "keep"}, nil},
		{"bom-remove-flag", bomS + a + "\n", a + "\n", Options{BOM: "remove"}, []string{"bom-removed"}},
		{"stray-bom", a + "\n" + bomS + b + "\n", a + "\n" + b + "\n", Options{Target: "openai"}, []string{"stray-bom"}},
		{"array-pretty", "[\n" + pretty(a) + ",\n  " + pretty(b) + "\n]\n", a + "\n" + b + "\n", Options{Target: "openai"}, []string{"json-array"}},
		{"array-one-line", "[" + a + "," + b + "]", a + "\n" + b + "\n", Options{Target: "openai"}, []string{"json-array"}},
		{"pretty-objects", pretty(a) + "\n\n" + pretty(b) + "\n", a + "\n" + b + "\n", Options{Target: "openai"}, []string{"pretty-json"}},
		{"prompt-completion", `{"prompt":"2+2?","completion":" 4 <ok>"}` + "\n" + a + "\n",
			`{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"2+2?"},{"role":"assistant","content":" 4 <ok>"}]}` + "\n" + a + "\n",
			Options{Target: "openai", FromPromptCompletion: true, System: "Be brief."}, []string{"prompt-completion"}},
		{"prompt-completion-no-system", `{"completion":"4","prompt":"2+2?"}` + "\n",
			`{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}]}` + "\n",
			Options{Target: "openai", FromPromptCompletion: true}, []string{"prompt-completion"}},
		{"clean", a + "\n" + b + "\n", a + "\n" + b + "\n", Options{Target: "openai"}, nil},
		{"everything", bomS + "\r\n[\r\n" + pretty(a) + ",\r\n" + pretty(b) + "]", a + "\n" + b + "\n", Options{Target: "openai"}, []string{"bom-removed", "json-array"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			rep, err := Run(context.Background(), strings.NewReader(tc.in), &out, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("output\n%q\nwant\n%q", out.String(), tc.want)
			}
			if got := repairNames(rep); !reflect.DeepEqual(got, tc.repairs) {
				t.Errorf("repairs %v, want %v", got, tc.repairs)
			}
			if rep.Changed() != (tc.repairs != nil) {
				t.Errorf("Changed() = %v", rep.Changed())
			}
			if rep.LinesOut != strings.Count(tc.want, "\n") {
				t.Errorf("LinesOut %d", rep.LinesOut)
			}
			mustBeClean(t, out.Bytes())
			// Fixing the output again changes nothing (idempotent).
			var again bytes.Buffer
			rep2, err := Run(context.Background(), bytes.NewReader(out.Bytes()), &again, Options{Target: tc.o.Target, BOM: "keep"})
			if err != nil || again.String() != out.String() || rep2.Changed() {
				t.Errorf("second fix changed something: %v %v", err, repairNames(rep2))
			}
		})
	}
}

func TestFixPromptCompletionSkipped(t *testing.T) {
	in := `{"prompt":"x","completion":"y","extra":1}` + "\n" + `{"prompt":1,"completion":"y"}` + "\n"
	var out bytes.Buffer
	rep, err := Run(context.Background(), strings.NewReader(in), &out, Options{Target: "openai", FromPromptCompletion: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != in || !reflect.DeepEqual(repairNames(rep), []string{"prompt-completion-skipped"}) {
		t.Errorf("got %q %v", out.String(), repairNames(rep))
	}
}

func TestFixFileDropInvalid(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	data := a + "\r\n{broken\r\n\r\n" + b + "\r\n[1,\r\n"
	os.WriteFile(in, []byte(data), 0o644)
	f, _ := os.Open(in)
	defer f.Close()
	out, rj := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "rejects.jsonl")
	rep, err := File(context.Background(), f, out, Options{DropInvalid: true, Rejects: rj})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if string(got) != bomS+a+"\n"+b+"\n" {
		t.Errorf("output %q", got)
	}
	gr, _ := os.ReadFile(rj)
	if string(gr) != "{broken\n[1,\n" {
		t.Errorf("rejects %q", gr)
	}
	if !reflect.DeepEqual(rep.Rejected, []int{2, 5}) || rep.LinesOut != 2 || rep.Rejects != rj {
		t.Errorf("report %+v", rep)
	}
	mustBeClean(t, got)
	es, _ := os.ReadDir(dir)
	if len(es) != 3 {
		t.Errorf("left behind: %v", es)
	}
}

func TestFixFileInPlaceAndFailures(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "data.jsonl")
	os.WriteFile(p, []byte(a+"\r\n"+b), 0o600)
	f, _ := os.Open(p)
	_, err := File(context.Background(), f, p, Options{Target: "openai", Perm: 0o600})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != a+"\n"+b+"\n" {
		t.Errorf("in place: %q", got)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}

	// A broken array is refused and leaves the destination untouched.
	out := filepath.Join(dir, "out.jsonl")
	os.WriteFile(out, []byte("old\n"), 0o644)
	_, err = File(context.Background(), strings.NewReader("[\n"+a+",\n{oops\n]"), out, Options{})
	if err == nil || !strings.Contains(err.Error(), "element 2") {
		t.Errorf("err = %v", err)
	}
	if got, _ := os.ReadFile(out); string(got) != "old\n" {
		t.Errorf("destination changed: %q", got)
	}
	if _, err := File(context.Background(), strings.NewReader("["+a+"] x"), out, Options{}); err == nil {
		t.Error("data after the array accepted")
	}
	es, _ := os.ReadDir(dir)
	if len(es) != 2 {
		t.Errorf("left behind: %v", es)
	}
	if _, err := File(context.Background(), strings.NewReader(a), filepath.Join(out, "x"), Options{}); err == nil {
		t.Error("write under a regular file succeeded")
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if _, err := File(context.Background(), strings.NewReader(a), filepath.Join(ro, "x"), Options{}); err == nil {
			t.Error("write into a read-only directory succeeded")
		}
	}
	if _, err := Run(context.Background(), strings.NewReader(a), &bytes.Buffer{}, Options{BOM: "maybe"}); err == nil {
		t.Error("bad --bom accepted")
	}
}

// A first line that is a truncated object is not mistaken for pretty JSON.
func TestFixTruncatedFirstLine(t *testing.T) {
	in := `{"messages":[` + "\n" + a + "\n"
	var out bytes.Buffer
	rep, err := Run(context.Background(), strings.NewReader(in), &out, Options{Target: "openai"})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != in || rep.Changed() {
		t.Errorf("got %q %v", out.String(), repairNames(rep))
	}
}

// Real data: a public dataset with comment lines ("//...") and blank lines.
func TestFixRealData(t *testing.T) {
	p := filepath.Join(testenv.SharedDir(t), "data", "real", "49595-HW1__biden.jsonl")
	f, err := os.Open(p)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	dir := t.TempDir()
	out, rj := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "rj.jsonl")
	rep, err := File(context.Background(), f, out, Options{DropInvalid: true, Rejects: rj})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	mustBeClean(t, got)
	rejected, _ := os.ReadFile(rj)
	for _, l := range strings.Split(strings.TrimSpace(string(rejected)), "\n") {
		if !strings.HasPrefix(l, "//") {
			t.Errorf("rejected a line that is not a comment: %.60s", l)
		}
	}
	if len(rep.Rejected) != strings.Count(string(rejected), "\n") || rep.LinesOut != strings.Count(string(got), "\n") {
		t.Errorf("report %+v", rep)
	}
}

// FuzzFix: Run never panics, its output ends every line in a single \n with no
// blank lines and no CR line endings, and fixing the output again changes nothing.
func FuzzFix(f *testing.F) {
	for _, s := range []string{a + "\r\n\r\n" + b, "[" + a + "," + b + "]", "{\n \"a\": 1\n}\n{\"b\":2}", bomS + a + "\n" + bomS + b, `{"prompt":"p","completion":"c"}`, "{\"a\":\n", "[1,"} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, in []byte, pc bool) {
		var out bytes.Buffer
		_, err := Run(context.Background(), bytes.NewReader(in), &out, Options{Target: "openai", FromPromptCompletion: pc})
		if err != nil {
			return // a malformed JSON array or pretty document is refused
		}
		o := out.Bytes()
		if len(o) > 0 && (o[len(o)-1] != '\n' || bytes.Contains(o, []byte("\r\n")) || bytes.Contains(o, []byte("\n\n")) || o[0] == '\n') {
			t.Fatalf("bad line structure: %q", o)
		}
		var again bytes.Buffer
		rep, err := Run(context.Background(), bytes.NewReader(o), &again, Options{Target: "openai", FromPromptCompletion: pc})
		if err != nil {
			t.Fatalf("fixing the output failed: %v (output %q)", err, o)
		}
		if !bytes.Equal(again.Bytes(), o) || rep.Changed() {
			t.Fatalf("not idempotent: %q -> %q (%v)", o, again.Bytes(), repairNames(rep))
		}
	})
}

// TestLongInvalidFirstLineKept: a first line that starts like an object but is
// not JSON, longer than the JSON decoder's first read, is replayed whole.
func TestLongInvalidFirstLineKept(t *testing.T) {
	first := "{" + strings.Repeat("x", 5000)
	in := first + "\n" + `{"a":1}` + "\n"
	var out bytes.Buffer
	if _, err := Run(context.Background(), strings.NewReader(in), &out, Options{Target: "openai"}); err != nil {
		t.Fatal(err)
	}
	if out.String() != in {
		t.Fatalf("lost data: %d bytes in, %d out", len(in), out.Len())
	}
}

// TestArrayOfNonObjectsRefused: a whole-file array whose elements are not
// objects is not an array of examples and is not converted.
func TestArrayOfNonObjectsRefused(t *testing.T) {
	var out bytes.Buffer
	if _, err := Run(context.Background(), strings.NewReader("[[]]"), &out, Options{Target: "openai"}); err == nil {
		t.Fatalf("converted to %q", out.String())
	}
}
