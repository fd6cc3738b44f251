package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/testenv"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
)

// Contract tests: every request the job functions send must pass Prism's
// validation against the official specs. Prism answers placeholders, so these
// tests check what is sent, not lifecycles (the fake does those).

const secret = "prism-test-secret-key"

func prismClient(t *testing.T, srv *testenv.Server, cfg azconn.Config) openai.Client {
	t.Helper()
	cfg.MaxRetries = -1
	c, err := azconn.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPrismAzureAuthoring(t *testing.T) {
	if testing.Short() {
		t.Skip("Prism contract test")
	}
	srv := testenv.Prism(t, testenv.PrismSpec(t, "azure-openai-dataplane/authoring/azureopenai-2025-04-01-preview.json"))
	client := prismClient(t, srv, azconn.Config{Endpoint: srv.URL, APIKey: secret, APIVersion: azconn.DefaultAPIVersion})
	ctx := context.Background()
	full := Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t", ValidationFile: "file-v", Suffix: "contract",
		Seed: i64(42), Epochs: 2, BatchSize: 4, LearningRate: 0.2, Method: Supervised, TrainingType: "globalstandard",
		Metadata: map[string]string{"run": "1"}}
	dpo := Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t", Method: DPO, Beta: 0.2}
	for _, s := range []Spec{full, dpo} {
		// force=false also lists jobs (the duplicate check).
		if _, err := Create(ctx, client, azconn.AzureDeployments, s, false); err != nil {
			var dup *DuplicateError
			if !errors.As(err, &dup) {
				t.Fatalf("create %s: %v", s.Method, err)
			}
		}
		if _, err := Create(ctx, client, azconn.AzureDeployments, s, true); err != nil {
			t.Fatalf("create %s: %v", s.Method, err)
		}
	}
	if _, err := client.FineTuning.Jobs.Get(ctx, "ftjob-1"); err != nil {
		t.Errorf("get: %v", err)
	}
	if _, err := NewEvents(ctx, client, "ftjob-1", map[string]bool{}); err != nil {
		t.Errorf("events: %v", err)
	}
	if _, err := client.FineTuning.Jobs.Checkpoints.List(ctx, "ftjob-1", openai.FineTuningJobCheckpointListParams{Limit: param.NewOpt(int64(10))}); err != nil {
		t.Errorf("checkpoints: %v", err)
	}
	if _, err := client.FineTuning.Jobs.Pause(ctx, "ftjob-1"); err != nil {
		t.Errorf("pause: %v", err)
	}
	if _, err := client.FineTuning.Jobs.Resume(ctx, "ftjob-1"); err != nil {
		t.Errorf("resume: %v", err)
	}
	if _, err := client.FineTuning.Jobs.Cancel(ctx, "ftjob-1"); err != nil {
		t.Errorf("cancel: %v", err)
	}
	if _, err := Delete(ctx, client, azconn.AzureDeployments, "ftjob-1"); err != nil {
		t.Errorf("delete: %v", err)
	}
	resp, err := client.Files.Content(ctx, "file-results", option.WithHeader("Accept", "application/octet-stream"))
	if err != nil {
		t.Errorf("result file content: %v", err)
	} else {
		resp.Body.Close()
	}
	mustPass(t, srv)
	// The check has teeth: the 2025-04-01-preview spec knows no reinforcement
	// method, and Prism refuses such a body with 422.
	bad := Spec{Model: "o4-mini-2025-04-16", TrainingFile: "file-t", Method: Reinforcement, Grader: json.RawMessage(`{"type":"string_check"}`)}
	_, err = client.FineTuning.Jobs.New(ctx, Params(bad, azconn.AzureDeployments))
	var ae *openai.Error
	if !errors.As(err, &ae) || ae.StatusCode != 422 {
		t.Errorf("a body outside the spec was not refused: %v", err)
	}
}

func TestPrismAzureV1CopyCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("Prism contract test")
	}
	srv := testenv.Prism(t, testenv.PrismSpec(t, "azure-openai-dataplane/azure-v1.json"))
	client := prismClient(t, srv, azconn.Config{Endpoint: srv.URL, APIKey: secret, APIVersion: "v1"})
	ctx := context.Background()
	res, err := CopyCheckpoint(ctx, client, "ftjob-1", "ftchkpt-1", "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/dest", "eastus2")
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	if res.CopiedAccountDetails == nil && res.FineTuningJobID == "" {
		t.Errorf("copy response not decoded: %+v", res)
	}
	if _, err := CopyStatus(ctx, client, "ftjob-1", "ftchkpt-1"); err != nil {
		t.Fatalf("copy status: %v", err)
	}
	// The job routes on the v1 surface too.
	if _, err := Create(ctx, client, azconn.AzureV1, Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t", Epochs: 1}, false); err != nil {
		var dup *DuplicateError
		if !errors.As(err, &dup) {
			t.Fatalf("create on v1: %v", err)
		}
	}
	if _, err := client.FineTuning.Jobs.Get(ctx, "ftjob-1"); err != nil {
		t.Errorf("get on v1: %v", err)
	}
	mustPass(t, srv)
}

func TestPrismOpenAI(t *testing.T) {
	if testing.Short() {
		t.Skip("Prism contract test (the OpenAI spec takes ~10 s to load)")
	}
	srv := testenv.Prism(t, testenv.PrismSpec(t, "openai/openapi.json"))
	client := prismClient(t, srv, azconn.Config{OpenAIKey: secret, BaseURL: srv.URL + "/v1"})
	ctx := context.Background()
	grader := json.RawMessage(`{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}`)
	for _, s := range []Spec{
		{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t", ValidationFile: "file-v", Suffix: strings.Repeat("x", 64), Seed: i64(1), Epochs: 3, Method: Supervised,
			Metadata: map[string]string{"k": "v"}},
		{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t", Method: DPO, Beta: 0.5, BatchSize: 2},
		{Model: "o4-mini-2025-04-16", TrainingFile: "file-t", Method: Reinforcement, Grader: grader, Epochs: 1},
	} {
		if _, err := Create(ctx, client, azconn.OpenAI, s, true); err != nil {
			t.Fatalf("create %s: %v", s.Method, err)
		}
	}
	if _, err := FindDuplicate(ctx, client, Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t"}); err != nil {
		t.Errorf("list: %v", err)
	}
	if _, err := NewEvents(ctx, client, "ftjob-1", map[string]bool{}); err != nil {
		t.Errorf("events: %v", err)
	}
	if _, err := client.FineTuning.Jobs.Checkpoints.List(ctx, "ftjob-1", openai.FineTuningJobCheckpointListParams{}); err != nil {
		t.Errorf("checkpoints: %v", err)
	}
	for _, f := range []func(context.Context, string) error{
		func(ctx context.Context, id string) error {
			_, err := client.FineTuning.Jobs.Pause(ctx, id)
			return err
		},
		func(ctx context.Context, id string) error {
			_, err := client.FineTuning.Jobs.Resume(ctx, id)
			return err
		},
		func(ctx context.Context, id string) error {
			_, err := client.FineTuning.Jobs.Cancel(ctx, id)
			return err
		},
	} {
		if err := f(ctx, "ftjob-1"); err != nil {
			t.Errorf("job action: %v", err)
		}
	}
	mustPass(t, srv)
}

// mustPass fails the test when Prism rejected any request or validated none.
func mustPass(t *testing.T, srv *testenv.Server) {
	t.Helper()
	srv.MustPassValidation(t)
	if srv.Validated() == 0 {
		t.Fatalf("Prism validated no request:\n%s", srv.Log())
	}
}
