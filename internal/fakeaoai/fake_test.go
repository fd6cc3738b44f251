package fakeaoai

import (
	"context"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/openai/openai-go/v3"
)

func TestFileLifecycle(t *testing.T) {
	s := New(t)
	s.APIKey = "k"
	s.ProcessAfter = 2
	c, err := azconn.NewClient(azconn.Config{Endpoint: s.URL, APIKey: "k", APIVersion: azconn.DefaultAPIVersion, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := c.Files.New(ctx, openai.FileNewParams{File: openai.File(strings.NewReader("{}\n"), "a.jsonl", "application/jsonl"), Purpose: openai.FilePurposeFineTune})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for range 2 {
		g, err := c.Files.Get(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, string(g.Status))
	}
	if got := strings.Join(states, ","); got != "running,processed" {
		t.Errorf("states = %s, want running,processed", got)
	}
	if n := s.Count("GET", "/files/"+f.ID); n != 2 {
		t.Errorf("GET count = %d, want 2", n)
	}
	s.Fail(Fault{Method: "GET", Status: 500})
	if _, err := c.Files.Get(ctx, f.ID); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("injected fault: err = %v", err)
	}
	bad, _ := azconn.NewClient(azconn.Config{Endpoint: s.URL, APIKey: "wrong", APIVersion: "v1", MaxRetries: -1})
	if _, err := bad.Files.Get(ctx, f.ID); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong key: err = %v", err)
	}
}
