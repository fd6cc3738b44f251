package jobs

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ftprep/ftprep/internal/fakeaoai"
	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/openai/openai-go/v3"
)

// fakeClient starts the stateful fake and returns a client for it on the given surface.
func fakeClient(t *testing.T, apiVersion string) (*fakeaoai.Jobs, openai.Client) {
	t.Helper()
	j := fakeaoai.NewJobs()
	mux := http.NewServeMux()
	fakeaoai.RegisterJobs(mux, j)
	fakeaoai.RegisterResultFiles(mux, j)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	client, err := azconn.NewClient(azconn.Config{Endpoint: srv.URL, APIKey: "test-key", APIVersion: apiVersion, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return j, client
}

var spec = Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-train", ValidationFile: "file-valid", Suffix: "demo", Method: Supervised}

func follow(t *testing.T, client openai.Client, id string) (*openai.FineTuningJob, []string, []string) {
	t.Helper()
	var events, statuses []string
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	j, err := Follow(ctx, client, id, FollowOptions{
		Interval: time.Millisecond,
		OnEvent:  func(e openai.FineTuningJobEvent) { events = append(events, e.Message) },
		OnStatus: func(j *openai.FineTuningJob) { statuses = append(statuses, string(j.Status)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return j, events, statuses
}

func TestLifecycleSucceeded(t *testing.T) {
	for _, surface := range []string{azconn.DefaultAPIVersion, "v1"} {
		t.Run(surface, func(t *testing.T) {
			fake, client := fakeClient(t, surface)
			fake.Outcome = func(map[string]any) fakeaoai.JobOutcome { return fakeaoai.JobOutcome{Steps: 150} }
			job, err := Create(context.Background(), client, azconn.AzureDeployments, spec, false)
			if err != nil {
				t.Fatal(err)
			}
			if job.Status != "pending" || !strings.HasPrefix(job.ID, "ftjob-") {
				t.Fatalf("created job: %+v", job)
			}
			final, events, statuses := follow(t, client, job.ID)
			if final.Status != StatusSucceeded || final.FineTunedModel == "" || len(final.ResultFiles) != 1 {
				t.Errorf("final job: status %s, model %q, results %v", final.Status, final.FineTunedModel, final.ResultFiles)
			}
			// The fake advances a job at each read, so the first read already sees it running.
			if got := strings.Join(statuses, ","); got != "running,succeeded" {
				t.Errorf("statuses = %s", got)
			}
			// 1 enqueued + 1 started + 150 metrics + 2 at the end: more than one page of 100.
			if len(events) != 154 {
				t.Errorf("%d events, want 154 (every event once, across pages)", len(events))
			}
			if events[0] != "Job enqueued. Waiting for jobs ahead to complete." || events[len(events)-1] != "Job succeeded." {
				t.Errorf("events out of order: first %q, last %q", events[0], events[len(events)-1])
			}
			seen := map[string]bool{}
			for _, e := range events {
				if seen[e] {
					t.Fatalf("event %q reported twice", e)
				}
				seen[e] = true
			}
		})
	}
}

func TestLifecycleFailed(t *testing.T) {
	fake, client := fakeClient(t, azconn.DefaultAPIVersion)
	fake.Outcome = func(map[string]any) fakeaoai.JobOutcome {
		return fakeaoai.JobOutcome{Status: "failed", Code: "invalidTrainingFile", Reason: "The training file has 3 invalid lines."}
	}
	job, err := Create(context.Background(), client, azconn.AzureDeployments, spec, false)
	if err != nil {
		t.Fatal(err)
	}
	final, events, _ := follow(t, client, job.ID)
	v := NewView(final)
	if v.Status != StatusFailed || v.Error == nil || v.Error.Code != "invalidTrainingFile" || !strings.Contains(v.Error.String(), "3 invalid lines") {
		t.Errorf("failed job view: %+v", v)
	}
	if last := events[len(events)-1]; !strings.Contains(last, "Job failed") {
		t.Errorf("last event %q", last)
	}
}

func TestPauseResumeCancel(t *testing.T) {
	fake, client := fakeClient(t, azconn.DefaultAPIVersion)
	fake.Outcome = func(map[string]any) fakeaoai.JobOutcome { return fakeaoai.JobOutcome{Steps: 5} }
	ctx := context.Background()
	job, err := Create(ctx, client, azconn.AzureDeployments, spec, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.FineTuning.Jobs.Pause(ctx, job.ID); err == nil {
		t.Error("pausing a pending job succeeded; the fake (like the service) only pauses running jobs")
	}
	// Poll until running, then pause.
	running, err := Follow(ctx, client, job.ID, FollowOptions{Interval: time.Millisecond,
		Until: func(j *openai.FineTuningJob) bool { return j.Status == "running" }})
	if err != nil || running.Status != "running" {
		t.Fatalf("never running: %v", err)
	}
	p, err := client.FineTuning.Jobs.Pause(ctx, job.ID)
	if err != nil || p.Status != "paused" {
		t.Fatalf("pause: %v %v", p, err)
	}
	for i := 0; i < 10; i++ { // a paused job does not advance
		g, err := client.FineTuning.Jobs.Get(ctx, job.ID)
		if err != nil || g.Status != "paused" {
			t.Fatalf("paused job moved on: %v %v", g.Status, err)
		}
	}
	r, err := client.FineTuning.Jobs.Resume(ctx, job.ID)
	if err != nil || r.Status != "running" {
		t.Fatalf("resume: %v %v", r, err)
	}
	c, err := client.FineTuning.Jobs.Cancel(ctx, job.ID)
	if err != nil || c.Status != "cancelled" {
		t.Fatalf("cancel: %v %v", c, err)
	}
	_, events, _ := follow(t, client, job.ID)
	joined := strings.Join(events, "|")
	for _, want := range []string{"Job paused.", "Job resumed.", "Job cancelled."} {
		if !strings.Contains(joined, want) {
			t.Errorf("events lack %q: %s", want, joined)
		}
	}
}

func TestDuplicateRefused(t *testing.T) {
	fake, client := fakeClient(t, azconn.DefaultAPIVersion)
	ctx := context.Background()
	first, err := Create(ctx, client, azconn.AzureDeployments, spec, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Create(ctx, client, azconn.AzureDeployments, spec, false)
	var dup *DuplicateError
	if !errors.As(err, &dup) || dup.Job.ID != first.ID || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second identical job: err = %v", err)
	}
	// A different suffix, or the alias of the same model with another training file, is not a duplicate.
	other := spec
	other.Suffix = "other"
	if _, err := Create(ctx, client, azconn.AzureDeployments, other, false); err != nil {
		t.Errorf("different suffix refused: %v", err)
	}
	alias := spec
	alias.Model = "gpt-4.1-mini"
	if _, err := Create(ctx, client, azconn.AzureDeployments, alias, false); !errors.As(err, &dup) {
		t.Errorf("alias of the same base model not recognised as a duplicate: %v", err)
	}
	forced, err := Create(ctx, client, azconn.AzureDeployments, spec, true)
	if err != nil {
		t.Fatalf("--force refused: %v", err)
	}
	if len(fake.Created) != 2+1 {
		t.Errorf("%d jobs created, want 3", len(fake.Created))
	}
	// Once the identical jobs are over, the same job may be submitted again.
	follow(t, client, first.ID)
	follow(t, client, forced.ID)
	if _, err := Create(ctx, client, azconn.AzureDeployments, spec, false); err != nil {
		t.Errorf("resubmitting after the identical jobs ended: %v", err)
	}
}

func TestDeleteAndCopy(t *testing.T) {
	fake, client := fakeClient(t, azconn.DefaultAPIVersion)
	ctx := context.Background()
	job, err := Create(ctx, client, azconn.AzureDeployments, spec, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Delete(ctx, client, azconn.AzureDeployments, job.ID); err == nil {
		t.Error("deleting a running job succeeded")
	}
	follow(t, client, job.ID)
	what, err := Delete(ctx, client, azconn.AzureDeployments, job.ID)
	if err != nil || what != "job "+job.ID {
		t.Fatalf("delete: %q %v", what, err)
	}
	if _, ok := fake.Job(job.ID); ok {
		t.Error("job still there after delete")
	}

	_, v1 := fakeClient(t, "v1")
	_, err = CopyStatus(ctx, v1, "ftjob-x", "ftchkpt-y")
	if err == nil {
		t.Error("status of a copy never started succeeded")
	}
	res, err := CopyCheckpoint(ctx, v1, "ftjob-x", "ftchkpt-y", "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/dest", "swedencentral")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CopiedAccountDetails) != 1 || res.CopiedAccountDetails[0].Status != "InProgress" || res.CopiedAccountDetails[0].Region != "swedencentral" {
		t.Errorf("copy: %+v", res)
	}
	st, err := CopyStatus(ctx, v1, "ftjob-x", "ftchkpt-y")
	if err != nil || st.CopiedAccountDetails[0].Status != "Completed" {
		t.Errorf("copy status: %+v %v", st, err)
	}
}

func newMux(j *fakeaoai.Jobs) *http.ServeMux {
	mux := http.NewServeMux()
	fakeaoai.RegisterJobs(mux, j)
	return mux
}

func startServer(tb testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}
