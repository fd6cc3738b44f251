package cli

import (
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/internal/fakeaoai"
)

var updateJobs = flag.Bool("update-jobs", false, "rewrite testdata/jobs golden files")

const jobsKey = "sekrit-jobs-key-0123456789"

// jobsFake starts the stateful fake with the job routes and clears the
// connection environment so only the flags count.
func jobsFake(t *testing.T) (*fakeaoai.Server, *fakeaoai.Jobs, []string) {
	t.Helper()
	for _, k := range []string{"AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION", "OPENAI_API_KEY", "OPENAI_BASE_URL"} {
		t.Setenv(k, "")
	}
	s := fakeaoai.New(t)
	s.APIKey = jobsKey
	j := fakeaoai.NewJobs()
	s.MountJobs(j)
	return s, j, []string{"--endpoint", s.URL, "--api-key", jobsKey}
}

func noSecret(t *testing.T, outputs ...string) {
	t.Helper()
	for _, o := range outputs {
		if strings.Contains(o, jobsKey) {
			t.Fatalf("the API key appears in the output:\n%s", o)
		}
	}
}

// args builds a command line; commands that poll get a 1 ms interval.
func args(sub []string, conn []string, rest ...string) []string {
	out := append(append(append([]string{}, sub...), rest...), conn...)
	if sub[0] == "submit" || (len(sub) > 1 && (sub[1] == "events" || sub[1] == "wait")) {
		out = append(out, "--interval", "1ms")
	}
	return out
}

func TestSubmitLocalChecksSendNothing(t *testing.T) {
	s, _, conn := jobsFake(t)
	img := writeFile(t, "img.jsonl", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},{"role":"assistant","content":"a cat"}]}`+"\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"epochs", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--epochs", "51"}, "--epochs 51: want 1..50"},
		{"epochs zero", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--epochs", "0"}, "--epochs -1: want 1..50"},
		{"suffix", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--suffix", "v1.0"}, "only A-Z a-z 0-9 - and _"},
		{"seed", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--seed", "2147483648"}, "--seed 2147483648"},
		{"dpo on sft-only model", []string{"--model", "gpt-4o-mini-2024-07-18", "--training-file", "file-1", "--method", "dpo"}, "cannot be fine-tuned with dpo"},
		{"rft without validation", []string{"--model", "o4-mini-2025-04-16", "--training-file", "file-1", "--method", "reinforcement", "--grader", writeFile(t, "g.json", `{"type":"string_check"}`)}, "needs a validation file"},
		{"images on text model", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", img}, "cannot be fine-tuned on images"},
		{"images in validation data", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--validation-file", img}, "cannot be fine-tuned on images"},
		{"metadata", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--metadata", "novalue"}, "want KEY=VALUE"},
		{"missing file", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "nope/train.jsonl"}, "no such file"},
		{"training type", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--training-type", "premium"}, `--training-type "premium"`},
		{"wait and no-wait", []string{"--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--wait", "--no-wait"}, "exclude each other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, nil, args([]string{"submit"}, conn, tc.args...)...)
			if code != ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tc.want)
			}
			noSecret(t, out, errOut)
		})
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent by submits that failed the local checks", n)
	}
}

func TestSubmitFileIDs(t *testing.T) {
	_, fake, conn := jobsFake(t)
	code, out, errOut := run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14",
		"--training-file", "file-train", "--validation-file", "file-valid", "--suffix", "cli", "--epochs", "3",
		"--batch-size", "8", "--learning-rate-multiplier", "0.5", "--seed", "7", "--training-type", "GlobalStandard",
		"--metadata", "team=ml", "--metadata", "run=1")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "created fine-tuning job ftjob-0001") || !strings.Contains(out, "ftprep jobs events --follow ftjob-0001") {
		t.Errorf("stdout: %s", out)
	}
	if len(fake.Created) != 1 {
		t.Fatalf("%d jobs created", len(fake.Created))
	}
	b, _ := json.Marshal(fake.Created[0])
	want := `{"metadata":{"run":"1","team":"ml"},"method":{"supervised":{"hyperparameters":{"batch_size":8,"learning_rate_multiplier":0.5,"n_epochs":3}},"type":"supervised"},` +
		`"model":"gpt-4.1-mini-2025-04-14","seed":7,"suffix":"cli","trainingType":"globalstandard","training_file":"file-train","validation_file":"file-valid"}`
	if string(b) != want {
		t.Errorf("request body\n got %s\nwant %s", b, want)
	}
	// The same job again is refused (exit 1) unless --force.
	code, _, errOut = run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-train", "--suffix", "cli")...)
	if code != ExitFindings || !strings.Contains(errOut, "identical job is already") || !strings.Contains(errOut, "--force") {
		t.Errorf("duplicate: exit %d, %s", code, errOut)
	}
	code, _, errOut = run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-train", "--suffix", "cli", "--force")...)
	if code != 0 || len(fake.Created) != 2 {
		t.Errorf("--force: exit %d, %d jobs, %s", code, len(fake.Created), errOut)
	}
}

func TestSubmitWait(t *testing.T) {
	_, fake, conn := jobsFake(t)
	fake.Outcome = func(body map[string]any) fakeaoai.JobOutcome {
		if body["suffix"] == "bad" {
			return fakeaoai.JobOutcome{Status: "failed", Code: "invalidTrainingFile", Reason: "Training file has 2 examples; at least 10 are required."}
		}
		return fakeaoai.JobOutcome{}
	}
	code, out, errOut := run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--wait")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Job enqueued", "Training started.", "Step 3: training loss", "Job succeeded.", "job ftjob-0001 succeeded: fine-tuned model gpt-4.1-mini-2025-04-14.ft-0001", "ftprep results ftjob-0001"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Job succeeded.") != 1 {
		t.Errorf("an event printed twice:\n%s", out)
	}
	code, out, errOut = run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--suffix", "bad", "--wait", "--format", "json")...)
	if code != ExitFindings || !strings.Contains(errOut, "job ftjob-0002 failed: invalidTrainingFile: Training file has 2 examples") {
		t.Errorf("failed job: exit %d, stderr %s", code, errOut)
	}
	var doc struct {
		Job struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Error  struct {
				Code string `json:"code"`
			} `json:"error"`
		} `json:"job"`
		Files []any `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--format json: %v\n%s", err, out)
	}
	if doc.Job.ID != "ftjob-0002" || doc.Job.Status != "failed" || doc.Job.Error.Code != "invalidTrainingFile" || doc.Files == nil {
		t.Errorf("json: %+v", doc)
	}
	if !strings.Contains(errOut, "Job failed") {
		t.Errorf("events not on stderr with --format json: %s", errOut)
	}
}

func TestJobsCommands(t *testing.T) {
	_, fake, conn := jobsFake(t)
	fake.Outcome = func(map[string]any) fakeaoai.JobOutcome { return fakeaoai.JobOutcome{Steps: 4} }
	if code, _, e := run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--suffix", "a")...); code != 0 {
		t.Fatal(e)
	}
	step := func(want int, sub ...string) string {
		t.Helper()
		code, out, errOut := run(t, nil, args(sub, conn)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d: %s%s", sub, code, want, out, errOut)
		}
		noSecret(t, out, errOut)
		return out + errOut
	}
	if out := step(0, "jobs", "list"); !strings.Contains(out, "ftjob-0001") || !strings.Contains(out, "pending") {
		t.Errorf("list: %s", out)
	}
	step(0, "jobs", "show", "ftjob-0001") // pending → running
	if out := step(0, "jobs", "pause", "ftjob-0001"); !strings.Contains(out, "job ftjob-0001: paused") {
		t.Errorf("pause: %s", out)
	}
	if out := step(0, "jobs", "show", "ftjob-0001"); !strings.Contains(out, "status:           paused") {
		t.Errorf("show paused: %s", out)
	}
	if out := step(ExitFindings, "jobs", "pause", "ftjob-0001"); !strings.Contains(out, "cannot pause a job that is paused") {
		t.Errorf("second pause: %s", out)
	}
	step(0, "jobs", "resume", "ftjob-0001")
	if out := step(ExitFindings, "results", "ftjob-0001"); !strings.Contains(out, "has no result file yet") {
		t.Errorf("results of a running job: %s", out)
	}
	out := step(0, "jobs", "events", "ftjob-0001", "--follow")
	if !strings.Contains(out, "Job paused.") || !strings.Contains(out, "Job resumed.") || !strings.Contains(out, "Job succeeded.") {
		t.Errorf("events --follow: %s", out)
	}
	if out := step(0, "jobs", "show", "ftjob-0001", "--format", "json"); !strings.Contains(out, `"fine_tuned_model": "gpt-4.1-mini-2025-04-14.ft-0001"`) || !strings.Contains(out, `"trained_tokens": 12345`) {
		t.Errorf("show json: %s", out)
	}
	if out := step(0, "jobs", "checkpoints", "ftjob-0001"); !strings.Contains(out, "ckpt-step-30") {
		t.Errorf("checkpoints: %s", out)
	}
	if out := step(0, "jobs", "wait", "ftjob-0001"); !strings.Contains(out, "succeeded") {
		t.Errorf("wait: %s", out)
	}
	// A second job, cancelled: wait exits 1.
	run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-2")...)
	step(0, "jobs", "cancel", "ftjob-0002")
	if out := step(ExitFindings, "jobs", "wait", "ftjob-0002"); !strings.Contains(out, "ended cancelled") {
		t.Errorf("wait on cancelled: %s", out)
	}
	if out := step(0, "jobs", "delete", "ftjob-0002"); !strings.Contains(out, "deleted job ftjob-0002") {
		t.Errorf("delete: %s", out)
	}
	if out := step(ExitFindings, "jobs", "show", "ftjob-0002"); !strings.Contains(out, "HTTP 404") {
		t.Errorf("show deleted: %s", out)
	}
	// Checkpoint copy goes to /openai/v1 with the preview header, whatever --api-version says.
	res := "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/dest"
	if out := step(0, "jobs", "copy-checkpoint", "ftjob-0001", "ftchkpt-0001-30", "--to-resource", res, "--region", "eastus2"); !strings.Contains(out, "InProgress  eastus2") {
		t.Errorf("copy: %s", out)
	}
	if out := step(0, "jobs", "copy-status", "ftjob-0001", "ftchkpt-0001-30"); !strings.Contains(out, "Completed  eastus2") {
		t.Errorf("copy-status: %s", out)
	}
	if out := step(ExitUsage, "jobs", "copy-checkpoint", "ftjob-0001", "ftchkpt-0001-30", "--region", "eastus2"); !strings.Contains(out, "--to-resource") {
		t.Errorf("copy without resource: %s", out)
	}
	if out := step(ExitUsage, "jobs", "show"); !strings.Contains(out, "usage: ftprep jobs show JOB") {
		t.Errorf("show without JOB: %s", out)
	}
}

func TestJobsWrongKeyExplained(t *testing.T) {
	s, _, _ := jobsFake(t)
	code, out, errOut := run(t, nil, "jobs", "list", "--endpoint", s.URL, "--api-key", "wrong-"+jobsKey)
	if code != ExitFindings || !strings.Contains(errOut, "HTTP 401") || !strings.Contains(errOut, "AZURE_OPENAI_API_KEY") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	noSecret(t, out, errOut)
}

func TestResults(t *testing.T) {
	_, fake, conn := jobsFake(t)
	csv, err := os.ReadFile(filepath.Join("..", "..", "pkg", "results", "testdata", "results-overfit.csv"))
	if err != nil {
		t.Fatal(err)
	}
	fake.ResultCSV = csv
	run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--wait")...)
	if code, _, errOut := run(t, nil, args([]string{"results"}, conn, "ftjob-0002")...); code != ExitFindings || !strings.Contains(errOut, "404") {
		t.Errorf("results of an unknown job: exit %d %s", code, errOut)
	}
	dir := t.TempDir()
	plot := filepath.Join(dir, "plots", "loss.png")
	if err := os.MkdirAll(filepath.Dir(plot), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, args([]string{"results"}, conn, "ftjob-0001", "--out", filepath.Join(dir, "run"), "--plot", plot, "--width", "40")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	out = strings.ReplaceAll(out, dir, "DIR")
	golden := filepath.Join("..", "..", "testdata", "jobs", "results.golden")
	if *updateJobs {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-jobs)", err)
	}
	if out != string(want) {
		t.Errorf("results output differs from %s:\n%s", golden, out)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "run", "results.csv"))
	if err != nil || string(saved) != string(csv) {
		t.Errorf("saved results.csv differs (%v)", err)
	}
	f, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("plot does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1000 || b.Dy() != 800 {
		t.Errorf("plot is %dx%d, want 1000x800", b.Dx(), b.Dy())
	}
	if code, _, errOut := run(t, nil, args([]string{"results"}, conn, "ftjob-0001", "--plot", "x.jpg")...); code != ExitUsage || !strings.Contains(errOut, ".png or .svg") {
		t.Errorf("--plot x.jpg: exit %d %s", code, errOut)
	}
}

func TestSubmitOpenAIPlatform(t *testing.T) {
	s, fake, _ := jobsFake(t)
	t.Setenv("OPENAI_API_KEY", jobsKey)
	conn := []string{"--base-url", s.URL + "/v1"}
	long := strings.Repeat("s", 64)
	code, out, errOut := run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--suffix", long, "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if len(fake.Created) != 1 || fake.Created[0]["suffix"] != long {
		t.Errorf("created %v", fake.Created)
	}
	if reqs := s.Requests(); len(reqs) == 0 || !strings.HasPrefix(reqs[len(reqs)-1].Raw, "/v1/fine_tuning/jobs") || reqs[len(reqs)-1].Auth != "bearer" {
		t.Errorf("requests: %+v", reqs)
	}
	noSecret(t, out, errOut)
	code, _, errOut = run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14", "--training-file", "file-1", "--training-type", "standard")...)
	if code != ExitUsage || !strings.Contains(errOut, "Azure OpenAI option") {
		t.Errorf("--training-type on OpenAI: exit %d %s", code, errOut)
	}
}

// TestSubmitMetadataComma: a --metadata value may contain commas (urfave/cli
// would otherwise split slice flags on them).
func TestSubmitMetadataComma(t *testing.T) {
	_, fake, conn := jobsFake(t)
	code, _, errOut := run(t, nil, args([]string{"submit"}, conn, "--model", "gpt-4.1-mini-2025-04-14",
		"--training-file", "file-train", "--metadata", "note=a,b", "--metadata", "team=ml")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if len(fake.Created) != 1 {
		t.Fatalf("%d jobs created", len(fake.Created))
	}
	b, _ := json.Marshal(fake.Created[0])
	if !strings.Contains(string(b), `"metadata":{"note":"a,b","team":"ml"}`) {
		t.Errorf("request body %s", b)
	}
}
