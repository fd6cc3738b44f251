package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/internal/fakeaoai"
	"github.com/ftprep/ftprep/pkg/testenv"
)

const upKey = "cli-secret-key-9f8e7d"

// upRun runs ftprep in-process with the data-plane environment cleared.
func upRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	for _, v := range []string{"AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION", "OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_STORAGE_CONNECTION_STRING"} {
		t.Setenv(v, "")
	}
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"ftprep"}, args...), strings.NewReader(""), &out, &errb)
	if strings.Contains(out.String()+errb.String(), upKey) {
		t.Errorf("output holds the API key:\n%s\n%s", out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}

func upFile(t *testing.T, name string, lines int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("\ufeff")         // Azure's guide asks for a UTF-8 BOM
	for i := range max(lines, 10) { // and at least 10 examples
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"q%d"},{"role":"assistant","content":"a%d"}]}`+"\n", i, i)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func upFake(t *testing.T) (*fakeaoai.Server, []string) {
	s := fakeaoai.New(t)
	s.APIKey = upKey
	return s, []string{"--endpoint", s.URL, "--api-key", upKey}
}

func TestUploadCLI(t *testing.T) {
	s, conn := upFake(t)
	p := upFile(t, "train.jsonl", 4)
	code, out, errs := upRun(t, append([]string{"upload", "--format", "json"}, append(conn, p)...)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Files []map[string]any `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Files) != 1 {
		t.Fatalf("stdout %q: %v", out, err)
	}
	f := got.Files[0]
	for _, k := range []string{"id", "filename", "bytes", "sha256", "status"} {
		if _, ok := f[k]; !ok {
			t.Errorf("JSON file lacks %q: %v", k, f)
		}
	}
	if f["status"] != "processed" || !strings.HasPrefix(f["filename"].(string), "train.sha256-") {
		t.Errorf("file = %v", f)
	}
	if !strings.Contains(errs, "uploading") || !strings.Contains(errs, "processed") {
		t.Errorf("status on stderr:\n%s", errs)
	}
	// Again: reused, text output says so.
	code, out, _ = upRun(t, append([]string{"upload"}, append(conn, p)...)...)
	if code != ExitOK || !strings.Contains(out, "reused") || s.Count("POST", "/files") != 1 {
		t.Errorf("second upload exit %d, out %q, POSTs %d", code, out, s.Count("POST", "/files"))
	}
}

func TestUploadCLIFailures(t *testing.T) {
	s, conn := upFake(t)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"messages\":[]}\nnot json\n"), 0o644)
	code, _, errs := upRun(t, append([]string{"upload"}, append(conn, bad)...)...)
	if code != ExitFindings || !strings.Contains(errs, "bad.jsonl:2") || !strings.Contains(errs, "not uploaded") {
		t.Errorf("invalid file: exit %d\n%s", code, errs)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent for an invalid file", n)
	}

	s.FailProcessing = func(string, []byte) string { return "Invalid file format: line 1" }
	code, _, errs = upRun(t, append([]string{"upload"}, append(conn, upFile(t, "t.jsonl", 2))...)...)
	if code != ExitFindings || !strings.Contains(errs, "Invalid file format: line 1") {
		t.Errorf("processing error: exit %d\n%s", code, errs)
	}

	code, _, errs = upRun(t, "upload", "--endpoint", s.URL, "--api-key", upKey+"x", upFile(t, "t.jsonl", 2))
	if code != ExitFindings || !strings.Contains(errs, "HTTP 401") || !strings.Contains(errs, "--api-key / AZURE_OPENAI_API_KEY") {
		t.Errorf("wrong key: exit %d\n%s", code, errs)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"upload", upFile(t, "t.jsonl", 1)}, "no service configured"},
		{[]string{"upload", "--endpoint", "http://example.com", "--api-key", upKey, upFile(t, "t.jsonl", 1)}, "refusing plain http://"},
		{[]string{"upload", "--format", "xml", "x"}, "--format"},
		{[]string{"upload"}, "FILE"},
		{[]string{"import", "--container", "ccc", upFile(t, "t.jsonl", 1)}, "--connection-string"},
		{[]string{"files", "show"}, "ID"},
		{[]string{"upload", "--expires-after", "5m", "x"}, "--expires-after"},
	} {
		code, _, errs := upRun(t, tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestFilesCLI(t *testing.T) {
	s, conn := upFake(t)
	id := s.AddFile(fakeaoai.StoredFile{Filename: "a.jsonl", Content: []byte("{}\n")})
	s.AddFile(fakeaoai.StoredFile{Filename: "b.jsonl", Content: []byte("x"), Status: "error", StatusDetails: "bad line 1"})
	code, out, errs := upRun(t, append([]string{"files", "list"}, conn...)...)
	if code != ExitOK || !strings.Contains(out, id) || !strings.Contains(out, "bad line 1") || !strings.HasPrefix(out, "ID") {
		t.Errorf("list: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = upRun(t, append([]string{"files", "show", "--format", "json"}, append(conn, id)...)...)
	if code != ExitOK || !strings.Contains(out, `"id": "`+id+`"`) {
		t.Errorf("show: %d %s", code, out)
	}
	dst := filepath.Join(t.TempDir(), "a.jsonl")
	code, _, errs = upRun(t, append([]string{"files", "download", "-o", dst}, append(conn, id)...)...)
	if b, _ := os.ReadFile(dst); code != ExitOK || string(b) != "{}\n" {
		t.Errorf("download: exit %d %q %s", code, b, errs)
	}
	code, out, _ = upRun(t, append([]string{"files", "delete"}, append(conn, id, "file-missing")...)...)
	if code != ExitFindings || !strings.Contains(out, "deleted "+id) || len(s.Files()) != 1 {
		t.Errorf("delete: exit %d %q", code, out)
	}
}

func TestUploadHelpHidesSecrets(t *testing.T) {
	for _, cmd := range []string{"upload", "import", "files"} {
		t.Setenv("AZURE_OPENAI_API_KEY", upKey)
		t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;AccountKey="+upKey)
		var out, errb bytes.Buffer
		code := Main(context.Background(), []string{"ftprep", cmd, "--help"}, strings.NewReader(""), &out, &errb)
		if code != ExitOK || !strings.Contains(out.String(), "Example") {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, out.String())
		}
		if strings.Contains(out.String()+errb.String(), upKey) {
			t.Errorf("%s --help shows a secret from the environment", cmd)
		}
	}
}

func TestImportCLI(t *testing.T) {
	az := testenv.Azurite(t)
	s, conn := upFake(t)
	connStr := testenv.AzuriteDevConnString(az.URL)
	p := upFile(t, "big.jsonl", 30)
	code, out, errs := upRun(t, append([]string{"import", "--container", "training", "--connection-string", connStr, "--format", "json"}, append(conn, p)...)...)
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	var got struct {
		Files []struct{ ID, Status, Blob string } `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Files) != 1 || got.Files[0].Status != "processed" {
		t.Fatalf("stdout %q: %v", out, err)
	}
	if !strings.Contains(got.Files[0].Blob, "/training/big.sha256-") || strings.Contains(out+errs, "sig=") {
		t.Errorf("blob %q; output mentions a signature:\n%s%s", got.Files[0].Blob, out, errs)
	}
	key := connStr[strings.Index(connStr, "AccountKey=")+11 : strings.Index(connStr, ";BlobEndpoint")]
	if strings.Contains(out+errs, key) {
		t.Error("output holds the storage account key")
	}
	if f := s.Files(); len(f) != 1 || !strings.Contains(f[0].ContentURL, "sig=") {
		t.Errorf("service files %+v", f)
	}
}
