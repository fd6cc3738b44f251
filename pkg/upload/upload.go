// Package upload gets training data to the service: validated, idempotent
// uploads (multipart or the Uploads API in parts) and imports from Azure Blob
// Storage. This file is the API the job commands build on; the implementation
// is being written (issue 5).
package upload

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/validate"
	"github.com/openai/openai-go/v3"
)

// Options configure one upload.
type Options struct {
	NoValidate bool             // skip the local validation
	Validate   validate.Options // options of the local validation
	Force      bool             // upload even when an identical file is already on the service
	NoWait     bool             // return after the transfer, without waiting for processing
	Timeout    time.Duration    // how long to wait for processing (0 = 30 minutes)
	Status     io.Writer        // status lines (nil = quiet)
}

// File is a file on the service.
type File struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Bytes    int64  `json:"bytes"`
	SHA256   string `json:"sha256"`
	Status   string `json:"status"`
	Reused   bool   `json:"reused"`
}

// InvalidError is returned when the local validation refuses a file; nothing was sent.
type InvalidError struct{ Result report.FileResult }

func (e *InvalidError) Error() string { return e.Result.Path + ": invalid training data, not uploaded" }

// Upload validates path, uploads it with purpose fine-tune (reusing an identical
// file already on the service unless o.Force) and waits until it is processed.
func Upload(ctx context.Context, client openai.Client, cfg azconn.Config, path string, o Options) (File, error) {
	return File{}, errors.New("upload: not implemented yet")
}
