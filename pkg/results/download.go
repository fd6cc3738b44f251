package results

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// MaxCSVBytes bounds a results.csv download (real ones are kilobytes to a few MB).
const MaxCSVBytes = 256 << 20

// Download fetches the job's results.csv: the first of its result files. It
// fails with a clear message while the job has none (not finished yet).
func Download(ctx context.Context, client openai.Client, jobID string) (csv []byte, fileID string, job *openai.FineTuningJob, err error) {
	job, err = client.FineTuning.Jobs.Get(ctx, jobID)
	if err != nil {
		return nil, "", nil, err
	}
	if len(job.ResultFiles) == 0 {
		return nil, "", job, fmt.Errorf("job %s (%s) has no result file yet: results.csv appears when the job has finished", jobID, job.Status)
	}
	fileID = job.ResultFiles[0]
	// The Azure spec lists application/octet-stream for file content.
	resp, err := client.Files.Content(ctx, fileID, option.WithHeader("Accept", "application/octet-stream"))
	if err != nil {
		return nil, fileID, job, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxCSVBytes+1))
	if err != nil {
		return nil, fileID, job, err
	}
	if len(b) > MaxCSVBytes {
		return nil, fileID, job, fmt.Errorf("result file %s is larger than %d MiB", fileID, MaxCSVBytes>>20)
	}
	return Decode(b), fileID, job, nil
}

// Decode returns results.csv as text: Azure OpenAI has served it base64-encoded
// (its guides decode it), so content that is not CSV but valid base64 of CSV is decoded.
func Decode(b []byte) []byte {
	t := bytes.TrimSpace(b)
	if bytes.ContainsAny(t, ",\n") && !bytes.HasPrefix(t, []byte("c3RlcC")) {
		return b
	}
	d, err := base64.StdEncoding.DecodeString(string(t))
	if err != nil || !bytes.Contains(d, []byte(",")) {
		return b
	}
	return d
}
