package upload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftprep/ftprep/internal/fakeaoai"
	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/upload"
	"github.com/openai/openai-go/v3"
)

const key = "test-key-5c1e7a"

// chatFile writes n (at least 10) chat examples to a temporary file and returns its path and content.
func chatFile(t *testing.T, n int) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\ufeff")     // Azure's guide asks for a UTF-8 BOM
	for i := range max(n, 10) { // and at least 10 examples
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"question %d"},{"role":"assistant","content":"answer %d"}]}`+"\n", i, i)
	}
	p := filepath.Join(t.TempDir(), "train.jsonl")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, b.Bytes()
}

func fake(t *testing.T) (*fakeaoai.Server, openai.Client, azconn.Config) {
	t.Helper()
	s := fakeaoai.New(t)
	s.APIKey = key
	cfg := azconn.Config{Endpoint: s.URL, APIKey: key, APIVersion: azconn.DefaultAPIVersion, MaxRetries: 3, MaxRetryDelay: 50 * time.Millisecond}
	c, err := azconn.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, cfg
}

func opts(status *bytes.Buffer) upload.Options {
	o := upload.Options{PollInterval: time.Millisecond, Timeout: 10 * time.Second}
	if status != nil {
		o.Status = status
	}
	return o
}

func TestUploadWaitsUntilProcessed(t *testing.T) {
	s, c, cfg := fake(t)
	s.ProcessAfter = 3
	path, content := chatFile(t, 20)
	var status bytes.Buffer
	var sent, total atomic.Int64
	o := opts(&status)
	o.Progress = func(s, t int64) { sent.Store(s); total.Store(t) }
	f, err := upload.Upload(context.Background(), c, cfg, path, o)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != "processed" || f.Reused || f.Bytes != int64(len(content)) {
		t.Errorf("file = %+v", f)
	}
	if want := upload.RemoteName(path, f.SHA256); f.Filename != want || !strings.HasPrefix(want, "train.sha256-") {
		t.Errorf("filename = %q, want %q", f.Filename, want)
	}
	stored := s.Files()
	if len(stored) != 1 || !bytes.Equal(stored[0].Content, content) || stored[0].ContentType != upload.ContentType {
		t.Fatalf("stored = %+v", stored)
	}
	if n := s.Count("GET", "/files/"+f.ID); n != 3 {
		t.Errorf("polls = %d, want 3", n)
	}
	if !strings.Contains(status.String(), f.ID+": running") || !strings.Contains(status.String(), f.ID+": processed") {
		t.Errorf("status output:\n%s", status.String())
	}
	if total.Load() != f.Bytes || sent.Load() != f.Bytes {
		t.Errorf("progress %d/%d, want %d/%d", sent.Load(), total.Load(), f.Bytes, f.Bytes)
	}
	if strings.Contains(status.String(), key) {
		t.Error("status output holds the key")
	}
}

func TestUploadIsIdempotent(t *testing.T) {
	s, c, cfg := fake(t)
	path, _ := chatFile(t, 5)
	ctx := context.Background()
	first, err := upload.Upload(ctx, c, cfg, path, opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	again, err := upload.Upload(ctx, c, cfg, path, opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Reused || again.ID != first.ID || s.Count("POST", "/files") != 1 {
		t.Errorf("second upload = %+v, POSTs = %d; want reuse of %s", again, s.Count("POST", "/files"), first.ID)
	}
	o := opts(nil)
	o.Force = true
	forced, err := upload.Upload(ctx, c, cfg, path, o)
	if err != nil {
		t.Fatal(err)
	}
	if forced.Reused || forced.ID == first.ID || s.Count("POST", "/files") != 2 {
		t.Errorf("--force upload = %+v", forced)
	}
	// Changed content → a new name → a new upload.
	changedPath, _ := chatFile(t, 11)
	b, _ := os.ReadFile(changedPath)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := upload.Upload(ctx, c, cfg, path, opts(nil))
	if err != nil || changed.Reused || changed.Filename == first.Filename {
		t.Errorf("changed file = %+v, %v", changed, err)
	}
	// A failed file with the same name is not reused.
	s2, c2, cfg2 := fake(t)
	s2.AddFile(fakeaoai.StoredFile{Filename: changed.Filename, Content: make([]byte, changed.Bytes), Status: "error"})
	f, err := upload.Upload(ctx, c2, cfg2, path, opts(nil))
	if err != nil || f.Reused {
		t.Errorf("failed twin reused: %+v %v", f, err)
	}
}

func TestInvalidFileIsNotSent(t *testing.T) {
	s, c, cfg := fake(t)
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(path, []byte("{\"messages\": [\nnot json\n"), 0o644)
	_, err := upload.Upload(context.Background(), c, cfg, path, opts(nil))
	var ie *upload.InvalidError
	if !errors.As(err, &ie) || ie.Result.OK || len(ie.Result.Findings) == 0 {
		t.Fatalf("err = %v, want InvalidError with findings", err)
	}
	if r := s.Requests(); len(r) != 0 {
		t.Errorf("requests sent for an invalid file: %+v", r)
	}
	o := opts(nil)
	o.NoValidate = true
	if _, err := upload.Upload(context.Background(), c, cfg, path, o); err != nil {
		t.Errorf("--no-validate: %v", err)
	}
}

func TestTooLargeIsRefused(t *testing.T) {
	s, c, cfg := fake(t)
	path, _ := chatFile(t, 50)
	o := opts(nil)
	o.MaxBytes = 1000
	_, err := upload.Upload(context.Background(), c, cfg, path, o)
	var te *upload.TooLargeError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "ftprep import") {
		t.Fatalf("err = %v, want TooLargeError advising import", err)
	}
	if len(s.Requests()) != 0 {
		t.Error("requests sent for a too-large file")
	}
}

func TestUploadInParts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault *fakeaoai.Fault
		extra int // part requests beyond one per part
	}{
		{"clean", nil, 0},
		{"500 on a part", &fakeaoai.Fault{Method: "POST", Path: "/parts", Status: 500}, 1},
		{"429 on a part", &fakeaoai.Fault{Method: "POST", Path: "/parts", Status: 429, RetryAfter: "0"}, 1},
		{"connection dropped during a part", &fakeaoai.Fault{Method: "POST", Path: "/parts", Drop: true}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c, cfg := fake(t)
			path, content := chatFile(t, 60) // ≈ 5.5 KiB
			if tc.fault != nil {
				s.Fail(*tc.fault)
			}
			var status bytes.Buffer // written from the part goroutines (go test -race)
			o := opts(&status)
			o.PartSize = 1024
			var sent atomic.Int64
			o.Progress = func(s, _ int64) { sent.Store(s) }
			f, err := upload.Upload(context.Background(), c, cfg, path, o)
			if err != nil {
				t.Fatal(err)
			}
			parts := (len(content) + 1023) / 1024
			if got := s.Count("POST", "/parts"); got != parts+tc.extra {
				t.Errorf("part requests = %d, want %d", got, parts+tc.extra)
			}
			if s.Count("POST", "/files") != 0 || s.Count("POST", "/complete") != 1 {
				t.Errorf("requests: %+v", s.Requests())
			}
			stored := s.Files()
			if len(stored) != 1 || !bytes.Equal(stored[0].Content, content) || stored[0].ID != f.ID || f.Status != "processed" {
				t.Errorf("assembled file differs or wrong: %+v", f)
			}
			if sent.Load() != int64(len(content)) {
				t.Errorf("progress = %d, want %d", sent.Load(), len(content))
			}
		})
	}
}

func TestPartFailureCancelsUpload(t *testing.T) {
	s, c, cfg := fake(t)
	s.Fail(fakeaoai.Fault{Method: "POST", Path: "/parts", Status: 400, Times: 100})
	path, _ := chatFile(t, 30)
	o := opts(nil)
	o.PartSize = 1024
	_, err := upload.Upload(context.Background(), c, cfg, path, o)
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("err = %v", err)
	}
	if s.Count("POST", "/cancel") != 1 || s.Count("POST", "/complete") != 0 {
		t.Errorf("requests: %+v", s.Requests())
	}
}

func TestProcessingErrorAndTimeout(t *testing.T) {
	s, c, cfg := fake(t)
	s.FailProcessing = func(string, []byte) string { return "Line 3: missing assistant message" }
	path, _ := chatFile(t, 3)
	_, err := upload.Upload(context.Background(), c, cfg, path, opts(nil))
	var pe *upload.ProcessingError
	if !errors.As(err, &pe) || pe.Details != "Line 3: missing assistant message" || !strings.Contains(err.Error(), "missing assistant") {
		t.Fatalf("err = %v, want ProcessingError with details", err)
	}

	s2, c2, cfg2 := fake(t)
	s2.ProcessAfter = 1 << 30
	o := opts(nil)
	o.Timeout = 30 * time.Millisecond
	_, err = upload.Upload(context.Background(), c2, cfg2, path, o)
	var te *upload.TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "ftprep files show") {
		t.Fatalf("err = %v, want TimeoutError", err)
	}

	s3, c3, cfg3 := fake(t)
	o = opts(nil)
	o.NoWait = true
	f, err := upload.Upload(context.Background(), c3, cfg3, path, o)
	if err != nil || f.Status != "pending" || s3.Count("GET", "/files/"+f.ID) != 0 {
		t.Errorf("--no-wait: %+v %v", f, err)
	}
}

func TestManage(t *testing.T) {
	s, c, cfg := fake(t)
	ctx := context.Background()
	id := s.AddFile(fakeaoai.StoredFile{Filename: "a.jsonl", Content: []byte("{}\n")})
	s.AddFile(fakeaoai.StoredFile{Filename: "r.csv", Purpose: "fine-tune-results", Content: []byte("x")})
	all, err := upload.List(ctx, c, cfg, "")
	if err != nil || len(all) != 2 {
		t.Fatalf("list = %+v %v", all, err)
	}
	ft, _ := upload.List(ctx, c, cfg, "fine-tune")
	if len(ft) != 1 || ft[0].ID != id {
		t.Errorf("list fine-tune = %+v", ft)
	}
	var b bytes.Buffer
	if n, err := upload.Download(ctx, c, cfg, id, &b); err != nil || n != 3 || b.String() != "{}\n" {
		t.Errorf("download = %d %q %v", n, b.String(), err)
	}
	if err := upload.Delete(ctx, c, cfg, id); err != nil {
		t.Fatal(err)
	}
	_, err = upload.Show(ctx, c, cfg, id)
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "check the id") {
		t.Errorf("show deleted = %v", err)
	}
}

func openaiClient(t *testing.T, cfg azconn.Config) openai.Client {
	t.Helper()
	c, err := azconn.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// importFault makes the service refuse the import, quoting the URL as Azure does.
func importFault() fakeaoai.Fault {
	return fakeaoai.Fault{Method: "POST", Path: "/files/import", Status: 400,
		Body: `{"error":{"code":"invalidPayload","message":"The content url https://x.blob.core.windows.net/c/b?sv=2024&sp=r&sig=SECRETSIG123 could not be read."}}`}
}

func TestV1SetsExpiry(t *testing.T) {
	s := fakeaoai.New(t)
	cfg := azconn.Config{Endpoint: s.URL, APIKey: key, APIVersion: "v1"}
	path, _ := chatFile(t, 2)
	o := opts(nil)
	o.NoWait = true
	if _, err := upload.Upload(context.Background(), openaiClient(t, cfg), cfg, path, o); err != nil {
		t.Fatal(err)
	}
	if f := s.Files(); len(f) != 1 || f[0].ExpiresAfter != "2592000" {
		t.Errorf("v1 upload: stored %+v, want expires_after[seconds]=2592000", f)
	}
	if r := s.Requests(); !strings.HasPrefix(r[len(r)-1].Raw, "/openai/v1/files") {
		t.Errorf("v1 request path = %s", r[len(r)-1].Raw)
	}
}

func TestOpenAIPlatformInParts(t *testing.T) {
	s := fakeaoai.New(t)
	s.APIKey = key
	cfg := azconn.Config{OpenAIKey: key, BaseURL: s.URL + "/v1", MaxRetries: -1}
	path, content := chatFile(t, 30)
	o := opts(nil)
	o.PartSize = 2048
	f, err := upload.Upload(context.Background(), openaiClient(t, cfg), cfg, path, o)
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Files(); len(st) != 1 || !bytes.Equal(st[0].Content, content) || f.Status != "processed" {
		t.Errorf("platform upload %+v", f)
	}
	for _, r := range s.Requests() {
		if !strings.HasPrefix(r.Raw, "/v1/") || r.Auth != "bearer" {
			t.Errorf("request %+v, want /v1/... with a bearer key", r)
		}
	}
}
