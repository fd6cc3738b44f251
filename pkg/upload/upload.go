// Package upload gets training data to the service: validated, idempotent
// uploads (multipart, or the Uploads API in parts for large files), imports
// from Azure Blob Storage, and the management of files already on the service.
//
// Every service call goes through the openai-go client built by azconn; errors
// are explained by azconn.Config.Explain and never carry a secret.
package upload

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/validate"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// Size limits of the service.
const (
	// PartLimit is the largest part of the Uploads API, and the size above which
	// Upload switches from one multipart request to the Uploads API.
	PartLimit = 64 << 20
	// MaxUpload is the largest file Upload sends; larger files go through Blob Storage (Import).
	MaxUpload = 512 << 20
)

// MaxExpiry is the longest expiry the service accepts for an uploaded file.
const MaxExpiry = 30 * 24 * time.Hour

// ContentType is the content type sent with training files (Azure rejects an empty one).
const ContentType = "application/jsonl"

// Options configure one upload.
type Options struct {
	NoValidate bool             // skip the local validation
	Validate   validate.Options // options of the local validation
	Force      bool             // upload even when an identical file is already on the service
	NoWait     bool             // return after the transfer, without waiting for processing
	Timeout    time.Duration    // how long to wait for processing (0 = 30 minutes)
	Status     io.Writer        // status lines (nil = quiet)

	// PartSize is the part size of the Uploads API, used for files larger than
	// it (0 = PartLimit; tests use a few KiB).
	PartSize int64
	// MaxBytes is the largest file accepted (0 = MaxUpload).
	MaxBytes int64
	// Concurrency is how many parts are sent at once (0 = 3; each part is held in memory while sent).
	Concurrency int
	// PollInterval is the first wait between processing checks; it doubles up to 30 s (0 = 2 s).
	PollInterval time.Duration
	// ExpiresAfter, when set, asks the service to delete the file this long after
	// its creation (1 hour to 30 days; 0 = never, except MaxExpiry on the Azure
	// v1 surface, which requires a value).
	ExpiresAfter time.Duration
	// Progress, when set, is called from the transfer goroutines with the bytes
	// sent so far and the total (a retried request starts its count again).
	Progress func(sent, total int64)
}

// File is a file on the service.
type File struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Bytes    int64  `json:"bytes"`
	SHA256   string `json:"sha256"`
	Status   string `json:"status"`
	Reused   bool   `json:"reused"`
	Blob     string `json:"blob,omitempty"` // for imports: the blob URL, without a SAS
}

// InvalidError is returned when the local validation refuses a file; nothing was sent.
type InvalidError struct{ Result report.FileResult }

// Error says what happened and what to do.
func (e *InvalidError) Error() string { return e.Result.Path + ": invalid training data, not uploaded" }

// TooLargeError is returned for files above the upload limit; nothing was sent.
type TooLargeError struct {
	Path       string
	Bytes, Max int64
}

// Error says what happened and what to do.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: %s is above the %s upload limit; import it from Azure Blob Storage instead: ftprep import %s --container NAME (--connection-string or --account-url)",
		e.Path, human(e.Bytes), human(e.Max), e.Path)
}

// ProcessingError is returned when the service finished processing a file with status error.
type ProcessingError struct {
	File    File
	Details string // the service's status details
}

// Error says what happened and what to do.
func (e *ProcessingError) Error() string {
	d := e.Details
	if d == "" {
		d = "no details given"
	}
	return fmt.Sprintf("%s (%s): the service could not process the file: %s", e.File.ID, e.File.Filename, d)
}

// TimeoutError is returned when processing did not finish within Options.Timeout.
type TimeoutError struct {
	File    File
	Timeout time.Duration
}

// Error says what happened and what to do.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s (%s): still %s after %s; check later with: ftprep files show %s", e.File.ID, e.File.Filename, e.File.Status, e.Timeout, e.File.ID)
}

// RemoteName is the name a file is stored under: its base name with the first
// 16 hex digits of its SHA-256 before the extension (train.sha256-0123456789abcdef.jsonl),
// so an identical file already on the service is recognised without downloading it.
func RemoteName(path, sha string) string {
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	if len(sha) > 16 {
		sha = sha[:16]
	}
	return strings.TrimSuffix(base, ext) + ".sha256-" + sha + ext
}

// scan validates (unless o.NoValidate) and hashes r in one pass.
func scan(ctx context.Context, r io.Reader, path string, o Options) (sha, md5sum string, res report.FileResult, err error) {
	hs, hm := sha256.New(), md5.New()
	tee := io.TeeReader(r, io.MultiWriter(hs, hm))
	if o.NoValidate {
		_, err = io.Copy(io.Discard, tee)
		res = report.FileResult{Path: path, OK: true}
	} else {
		vo := o.Validate
		vo.Validation = vo.Validation || validate.LooksLikeValidationFile(path)
		res, err = validate.Validate(ctx, tee, path, vo)
		if err == nil {
			_, err = io.Copy(io.Discard, tee) // validation reads to the end; make sure
		}
	}
	return hex.EncodeToString(hs.Sum(nil)), hex.EncodeToString(hm.Sum(nil)), res, err
}

// statusMu serialises status lines: parts report from their own goroutines.
var statusMu sync.Mutex

func (o Options) status(format string, a ...any) {
	if o.Status != nil {
		statusMu.Lock()
		defer statusMu.Unlock()
		fmt.Fprintf(o.Status, format+"\n", a...)
	}
}

// Upload validates path, uploads it with purpose fine-tune (reusing an identical
// file already on the service unless o.Force) and waits until it is processed.
func Upload(ctx context.Context, client openai.Client, cfg azconn.Config, path string, o Options) (File, error) {
	f, out, md5sum, err := prepare(ctx, path, cmpOr(o.MaxBytes, MaxUpload), "upload", o)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	if r, ok, err := reuse(ctx, client, cfg, path, "upload", out, o); ok || err != nil {
		return r, err
	}
	size := out.Bytes

	o.status("%s: uploading %s as %s", path, human(size), out.Filename)
	partSize := cmpOr(o.PartSize, PartLimit)
	expires := o.ExpiresAfter
	if expires == 0 && cfg.Kind() == azconn.AzureV1 {
		expires = MaxExpiry // the v1 surface requires expires_after
	}
	o.ExpiresAfter = expires
	var obj *openai.FileObject
	if size > partSize {
		obj, err = uploadParts(ctx, client, f, size, partSize, out.Filename, md5sum, o)
	} else {
		prog := newProgress(o.Progress, size, 1)
		params := openai.FileNewParams{
			File:    openai.File(io.NewSectionReader(f, 0, size), out.Filename, ContentType),
			Purpose: openai.FilePurposeFineTune,
		}
		if expires > 0 {
			params.ExpiresAfter = openai.FileNewParamsExpiresAfter{Seconds: int64(expires / time.Second)}
		}
		obj, err = client.Files.New(ctx, params, prog.option(0))
	}
	if err != nil {
		return File{}, cfg.Explain("upload "+path, err)
	}
	out.ID, out.Status = obj.ID, string(obj.Status)
	o.status("%s: uploaded as %s (%s)", path, out.ID, out.Status)
	if o.NoWait {
		return out, nil
	}
	return wait(ctx, client, cfg, out, o)
}

// prepare opens path, refuses an empty file (or one larger than max, when
// max > 0), validates and hashes it in one pass and names it for the service.
// It returns the open file (the caller closes it), the File with Filename,
// Bytes and SHA256 set, and the MD5 digest. verb ("upload" or "import") words
// the errors.
func prepare(ctx context.Context, path string, max int64, verb string, o Options) (*os.File, File, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, File{}, "", err
	}
	out, md5sum, err := check(ctx, f, path, max, verb, o)
	if err != nil {
		f.Close()
		return nil, File{}, "", err
	}
	return f, out, md5sum, nil
}

func check(ctx context.Context, f *os.File, path string, max int64, verb string, o Options) (File, string, error) {
	st, err := f.Stat()
	if err != nil {
		return File{}, "", err
	}
	size := st.Size()
	if max > 0 && size > max {
		return File{}, "", &TooLargeError{Path: path, Bytes: size, Max: max}
	}
	if size == 0 {
		return File{}, "", fmt.Errorf("%s: empty file, not %sed", path, verb)
	}
	sha, md5sum, res, err := scan(ctx, f, path, o)
	if err != nil {
		return File{}, "", err
	}
	if !res.OK {
		return File{}, "", &InvalidError{Result: res}
	}
	return File{Filename: RemoteName(path, sha), Bytes: size, SHA256: sha}, md5sum, nil
}

// reuse looks for a file identical to out on the service (unless o.Force).
// When there is one it returns it, waited for unless o.NoWait, and true.
func reuse(ctx context.Context, client openai.Client, cfg azconn.Config, path, verb string, out File, o Options) (File, bool, error) {
	if o.Force {
		return File{}, false, nil
	}
	found, err := findExisting(ctx, client, out.Filename, out.Bytes)
	if err != nil {
		return File{}, false, cfg.Explain("look for an identical file", err)
	}
	if found == nil {
		return File{}, false, nil
	}
	out.ID, out.Status, out.Reused = found.ID, string(found.Status), true
	o.status("%s: identical file already on the service as %s (%s); not %sed again (--force to %s anyway)", path, out.ID, out.Status, verb, verb)
	if o.NoWait || out.Status == "processed" {
		return out, true, nil
	}
	out, err = wait(ctx, client, cfg, out, o)
	return out, true, err
}

// findExisting returns a fine-tune file named name of size bytes that is usable
// (not failed or deleted), or nil.
func findExisting(ctx context.Context, client openai.Client, name string, size int64) (*openai.FileObject, error) {
	var found *openai.FileObject
	err := eachFile(ctx, client, openai.FileListParams{Purpose: openai.String("fine-tune")}, func(f openai.FileObject) bool {
		switch f.Status {
		case "error", "deleted", "deleting":
			return true
		}
		if f.Filename == name && f.Bytes == size {
			found = &f
			return false
		}
		return true
	})
	return found, err
}

// uploadParts sends the file through the Uploads API: create, parts in
// parallel (each retried on its own by the client), complete with the MD5.
func uploadParts(ctx context.Context, client openai.Client, f io.ReaderAt, size, partSize int64, name, md5sum string, o Options) (*openai.FileObject, error) {
	params := openai.UploadNewParams{Bytes: size, Filename: name, MimeType: ContentType, Purpose: openai.FilePurposeFineTune}
	if o.ExpiresAfter > 0 {
		params.ExpiresAfter = openai.UploadNewParamsExpiresAfter{Seconds: int64(o.ExpiresAfter / time.Second)}
	}
	up, err := client.Uploads.New(ctx, params)
	if err != nil {
		return nil, err
	}
	n := int((size + partSize - 1) / partSize)
	ids := make([]string, n)
	prog := newProgress(o.Progress, size, n)
	ctx2, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		sem      = make(chan struct{}, cmpOr(o.Concurrency, 3))
	)
	for i := range n {
		off := int64(i) * partSize
		l := min(partSize, size-off)
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx2.Done():
				return
			}
			defer func() { <-sem }()
			p, err := client.Uploads.Parts.New(ctx2, up.ID, openai.UploadPartNewParams{
				Data: openai.File(io.NewSectionReader(f, off, l), name, ContentType),
			}, prog.option(i))
			if err != nil {
				once.Do(func() { firstErr = fmt.Errorf("part %d of %d: %w", i+1, n, err); cancel() })
				return
			}
			ids[i] = p.ID
			o.status("%s: part %d of %d sent", name, i+1, n)
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		// Best effort: the upload expires by itself after an hour anyway.
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer ccancel()
		_, _ = client.Uploads.Cancel(cctx, up.ID)
		return nil, firstErr
	}
	done, err := client.Uploads.Complete(ctx, up.ID, openai.UploadCompleteParams{PartIDs: ids, Md5: openai.String(md5sum)})
	if err != nil {
		return nil, err
	}
	if done.File.ID == "" {
		return nil, fmt.Errorf("upload %s completed with status %s but without a file", up.ID, done.Status)
	}
	return &done.File, nil
}

// wait polls the file until it is processed or failed, with a doubling
// interval, for at most o.Timeout.
func wait(ctx context.Context, client openai.Client, cfg azconn.Config, out File, o Options) (File, error) {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	interval := o.PollInterval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	last := out.Status
	for {
		obj, err := client.Files.Get(ctx, out.ID)
		if err != nil {
			if ctx.Err() == context.DeadlineExceeded {
				return out, &TimeoutError{File: out, Timeout: timeout}
			}
			return out, cfg.Explain("check "+out.ID, err)
		}
		out.Status = string(obj.Status)
		if out.Status != last {
			o.status("%s: %s", out.ID, out.Status)
			last = out.Status
		}
		switch out.Status {
		case "processed":
			return out, nil
		case "error", "deleted", "deleting":
			return out, &ProcessingError{File: out, Details: azconn.Redact(obj.StatusDetails)}
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			if ctx.Err() == context.DeadlineExceeded {
				return out, &TimeoutError{File: out, Timeout: timeout}
			}
			return out, ctx.Err()
		case <-t.C:
		}
		interval = min(interval*2, 30*time.Second)
	}
}

// Wait waits until the file id is processed, like Upload does after the transfer.
func Wait(ctx context.Context, client openai.Client, cfg azconn.Config, id string, o Options) (File, error) {
	return wait(ctx, client, cfg, File{ID: id}, o)
}

// progress adds up the bytes sent by each request (part).
type progress struct {
	cb    func(sent, total int64)
	total int64
	parts []atomic.Int64
}

func newProgress(cb func(sent, total int64), total int64, parts int) *progress {
	return &progress{cb: cb, total: total, parts: make([]atomic.Int64, parts)}
}

// option counts the request body of part i; each attempt starts again from zero.
func (p *progress) option(i int) option.RequestOption {
	return option.WithMiddleware(func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		if p.cb == nil || req.Body == nil || req.Body == http.NoBody {
			return next(req)
		}
		p.parts[i].Store(0)
		req.Body = &countingBody{ReadCloser: req.Body, add: func(n int64) { p.parts[i].Add(n); p.report() }}
		return next(req)
	})
}

func (p *progress) report() {
	var sum int64
	for i := range p.parts {
		sum += p.parts[i].Load()
	}
	p.cb(min(sum, p.total), p.total)
}

type countingBody struct {
	io.ReadCloser
	add func(int64)
}

func (c *countingBody) Read(b []byte) (int, error) {
	n, err := c.ReadCloser.Read(b)
	if n > 0 {
		c.add(int64(n))
	}
	return n, err
}

func cmpOr[T ~int64 | ~int](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// human renders a byte count (1.5 MiB).
func human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
