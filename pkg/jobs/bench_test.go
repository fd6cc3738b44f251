package jobs

import (
	"context"
	"testing"

	"github.com/ftprep/ftprep/internal/fakeaoai"
	"github.com/ftprep/ftprep/pkg/azconn"
)

// BenchmarkNewEvents5k measures reading a job's 5,000 events (50 pages of 100)
// from the in-process fake: the cost of one catch-up of `jobs events`.
func BenchmarkNewEvents5k(b *testing.B) {
	fake := fakeaoai.NewJobs()
	fake.Outcome = func(map[string]any) fakeaoai.JobOutcome { return fakeaoai.JobOutcome{Steps: 5000} }
	mux := newMux(fake)
	srv := startServer(b, mux)
	client, err := azconn.NewClient(azconn.Config{Endpoint: srv, APIKey: "k", APIVersion: azconn.DefaultAPIVersion, MaxRetries: -1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	job, err := Create(ctx, client, azconn.AzureDeployments, Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "f"}, true)
	if err != nil {
		b.Fatal(err)
	}
	for range 5001 {
		if _, err := client.FineTuning.Jobs.Get(ctx, job.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		evs, err := NewEvents(ctx, client, job.ID, map[string]bool{})
		if err != nil || len(evs) < 5000 {
			b.Fatalf("%d events, %v", len(evs), err)
		}
	}
}
