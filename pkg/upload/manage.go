package upload

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// Remote is a file on the service as listed or shown.
type Remote struct {
	ID            string `json:"id"`
	Filename      string `json:"filename"`
	Purpose       string `json:"purpose"`
	Bytes         int64  `json:"bytes"`
	Status        string `json:"status"`
	StatusDetails string `json:"status_details,omitempty"`
	CreatedAt     string `json:"created_at"` // RFC 3339, UTC
}

func remote(f openai.FileObject) Remote {
	return Remote{ID: f.ID, Filename: f.Filename, Purpose: string(f.Purpose), Bytes: f.Bytes, Status: string(f.Status),
		StatusDetails: azconn.Redact(f.StatusDetails), CreatedAt: time.Unix(f.CreatedAt, 0).UTC().Format(time.RFC3339)}
}

// List returns the files on the service, all pages; purpose filters ("" = all).
func List(ctx context.Context, client openai.Client, cfg azconn.Config, purpose string) ([]Remote, error) {
	p := openai.FileListParams{}
	if purpose != "" {
		p.Purpose = openai.String(purpose)
	}
	out := []Remote{}
	err := eachFile(ctx, client, p, func(f openai.FileObject) bool {
		out = append(out, remote(f))
		return true
	})
	return out, cfg.Explain("list files", err)
}

// eachFile calls fn for every file the service lists, page after page, until
// fn returns false. A file seen twice ends the listing: a service repeating a
// page (has_more stuck at true) would otherwise loop forever.
func eachFile(ctx context.Context, client openai.Client, p openai.FileListParams, fn func(openai.FileObject) bool) error {
	it := client.Files.ListAutoPaging(ctx, p)
	seen := map[string]bool{}
	for it.Next() {
		f := it.Current()
		if seen[f.ID] {
			break
		}
		seen[f.ID] = true
		if !fn(f) {
			break
		}
	}
	return it.Err()
}

// Show returns one file.
func Show(ctx context.Context, client openai.Client, cfg azconn.Config, id string) (Remote, error) {
	f, err := client.Files.Get(ctx, id)
	if err != nil {
		return Remote{}, cfg.Explain("show "+id, err)
	}
	return remote(*f), nil
}

// Delete deletes one file.
func Delete(ctx context.Context, client openai.Client, cfg azconn.Config, id string) error {
	d, err := client.Files.Delete(ctx, id)
	if err != nil {
		return cfg.Explain("delete "+id, err)
	}
	if !d.Deleted {
		return fmt.Errorf("delete %s: the service did not delete the file", id)
	}
	return nil
}

// Download writes the content of file id to w and returns the bytes written.
func Download(ctx context.Context, client openai.Client, cfg azconn.Config, id string, w io.Writer) (int64, error) {
	// Any type: the specs disagree on the content type of a file's content.
	res, err := client.Files.Content(ctx, id, option.WithHeader("Accept", "*/*"))
	if err != nil {
		return 0, cfg.Explain("download "+id, err)
	}
	defer res.Body.Close()
	n, err := io.Copy(w, res.Body)
	if err != nil {
		return n, fmt.Errorf("download %s: %s", id, azconn.Redact(err.Error()))
	}
	return n, nil
}
