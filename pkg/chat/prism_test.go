package chat

import (
	"context"
	"testing"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/testenv"
)

// TestAgainstPrism sends both request shapes (typed messages and a replayed
// example) to Prism serving OpenAI's chat-completions operation (a subset of
// OpenAI's spec, testdata/deploy/SOURCES.md): the Azure specs in ../shared
// lack the route (authoring) or predate it (the copied v1 version).
func TestAgainstPrism(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prism")
	}
	srv := testenv.Prism(t, testenv.PrismSpec(t, "testdata/deploy/openai-chat-completions.json"))
	client, err := azconn.NewClient(azconn.Config{OpenAIKey: "sk-test-secret", BaseURL: srv.URL + "/v1", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	temp := 0.0
	if _, err := Run(context.Background(), client, Options{Deployment: "ft-mini", System: "Be terse.", Temperature: &temp, MaxTokens: 20, Message: "Capital of France?"}); err != nil {
		t.Fatalf("typed messages: %v", err)
	}
	example := `{"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"What is in the image?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},{"role":"assistant","content":"A cat.","weight":1}]}`
	r, err := Run(context.Background(), client, Options{Deployment: "ft-mini", Messages: []byte(example)})
	if err != nil {
		t.Fatalf("replayed example: %v", err)
	}
	if r.Expected != "A cat." {
		t.Errorf("expected = %q", r.Expected)
	}
	srv.MustPassValidation(t)
	if n := srv.Validated(); n != 2 {
		t.Errorf("Prism validated %d requests, want 2", n)
	}
}
