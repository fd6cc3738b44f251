package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndValidateSplitSubmit runs the pipeline against the fake:
//
//	ftprep validate data.jsonl && ftprep split data.jsonl --train t --valid v | ftprep submit --model gpt-4.1-mini-2025-04-14 --wait -
func TestEndToEndValidateSplitSubmit(t *testing.T) {
	s, fake, conn := jobsFake(t)
	var data strings.Builder
	data.WriteString("\ufeff")
	for i := range 100 {
		fmt.Fprintf(&data, `{"messages":[{"role":"system","content":"You answer briefly."},{"role":"user","content":"What is %d + %d?"},{"role":"assistant","content":"%d"}]}`+"\n", i, i, 2*i)
	}
	in := writeFile(t, "data.jsonl", data.String())
	dir := filepath.Dir(in)
	train, valid := filepath.Join(dir, "t.jsonl"), filepath.Join(dir, "v.jsonl")

	if code, out, errOut := run(t, nil, "validate", in); code != 0 {
		t.Fatalf("validate: exit %d\n%s%s", code, out, errOut)
	}
	code, manifest, errOut := run(t, nil, "split", in, "--train", train, "--valid", valid)
	if code != 0 {
		if strings.Contains(errOut, "No help topic for") || strings.Contains(errOut, "not implemented") || strings.Contains(errOut, "flag provided but not defined") {
			t.Skipf("ftprep split is not on this branch yet: %s", errOut)
		}
		t.Fatalf("split: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, bytes.NewReader([]byte(manifest)), args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--wait", "-")...)
	if code != 0 && strings.Contains(errOut, "upload: not implemented yet") {
		t.Skip("upload.Upload is a placeholder on this branch")
	}
	if code != 0 {
		t.Fatalf("submit: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"Job enqueued", "Training started.", "Job succeeded.", "succeeded: fine-tuned model"} {
		if !strings.Contains(out, want) {
			t.Errorf("submit output lacks %q:\n%s", want, out)
		}
	}
	// Both files of the manifest were uploaded, and the job names them.
	var uploaded []string
	for _, f := range s.Files() {
		if f.Purpose == "fine-tune" {
			uploaded = append(uploaded, f.ID)
		}
	}
	if len(uploaded) != 2 || len(fake.Created) != 1 {
		t.Fatalf("uploaded %v, created %d jobs", uploaded, len(fake.Created))
	}
	body := fake.Created[0]
	if body["training_file"] != uploaded[0] || body["validation_file"] != uploaded[1] {
		t.Errorf("job files %v / %v, uploaded %v", body["training_file"], body["validation_file"], uploaded)
	}
	if m, _ := body["method"].(map[string]any); m["type"] != "supervised" {
		t.Errorf("method %v, want supervised (the data's format)", body["method"])
	}
	noSecret(t, out, errOut)
}
