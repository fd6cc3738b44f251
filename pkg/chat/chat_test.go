package chat

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ftprep/ftprep/pkg/azconn"
)

const apiKey = "azure-secret-key-123"

// fakeAOAI answers chat completions like Azure OpenAI and records what it got.
type fakeAOAI struct {
	mu     sync.Mutex
	paths  []string
	bodies []map[string]any
	status int // non-zero: answer with this error status
}

func (f *fakeAOAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	f.mu.Lock()
	f.paths = append(f.paths, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	f.bodies = append(f.bodies, body)
	status := f.status
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("api-key") != apiKey {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}`)
		return
	}
	if status != 0 {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}`)
		return
	}
	_, _ = io.WriteString(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1764583200,"model":"gpt-4.1-mini-2025-04-14.ft-abc",
"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Paris."},"content_filter_results":{}}],
"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}`)
}

func azureClient(t *testing.T, f *fakeAOAI, version string) azconn.Config {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return azconn.Config{Endpoint: srv.URL, APIKey: apiKey, APIVersion: version, MaxRetries: -1}
}

func TestRunAzureDeploymentRoute(t *testing.T) {
	f := &fakeAOAI{}
	cfg := azureClient(t, f, "2025-04-01-preview")
	client, err := azconn.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	temp := 0.2
	r, err := Run(context.Background(), client, Options{Deployment: "ft-mini", System: "Be terse.", Temperature: &temp, MaxTokens: 50, Message: "Capital of France?"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Reply != "Paris." || r.FinishReason != "stop" || r.Usage.TotalTokens != 14 || r.Model != "gpt-4.1-mini-2025-04-14.ft-abc" {
		t.Errorf("result %+v", r)
	}
	if !strings.Contains(string(r.Raw), `"content_filter_results"`) {
		t.Errorf("raw response lost Azure fields: %s", r.Raw)
	}
	if got := f.paths[0]; got != "POST /openai/deployments/ft-mini/chat/completions?api-version=2025-04-01-preview" {
		t.Errorf("request %s", got)
	}
	b, _ := json.Marshal(f.bodies[0])
	want := `{"max_completion_tokens":50,"messages":[{"content":"Be terse.","role":"system"},{"content":"Capital of France?","role":"user"}],"model":"ft-mini","temperature":0.2}`
	if string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
}

func TestRunAzureV1ReplaysExample(t *testing.T) {
	f := &fakeAOAI{}
	client, err := azconn.NewClient(azureClient(t, f, "v1"))
	if err != nil {
		t.Fatal(err)
	}
	example := `{"messages":[{"role":"system","content":"old"},{"role":"user","content":"Hi","name":"ana"},{"role":"assistant","content":"Hello!","weight":0},{"role":"user","content":"Capital?"},{"role":"assistant","content":"Paris.","weight":1}]}`
	r, err := Run(context.Background(), client, Options{Deployment: "ft-mini", System: "new", Messages: []byte(example)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Expected != "Paris." {
		t.Errorf("expected = %q", r.Expected)
	}
	if got := f.paths[0]; got != "POST /openai/v1/chat/completions?" {
		t.Errorf("request %s", got)
	}
	b, _ := json.Marshal(f.bodies[0]["messages"])
	want := `[{"content":"new","role":"system"},{"content":"Hi","name":"ana","role":"user"},{"content":"Hello!","role":"assistant"},{"content":"Capital?","role":"user"}]`
	if string(b) != want {
		t.Errorf("messages\n got %s\nwant %s", b, want)
	}
	if f.bodies[0]["model"] != "ft-mini" {
		t.Errorf("model = %v", f.bodies[0]["model"])
	}
}

func TestRunErrorsExplained(t *testing.T) {
	f := &fakeAOAI{status: http.StatusNotFound}
	cfg := azureClient(t, f, "2025-04-01-preview")
	client, _ := azconn.NewClient(cfg)
	_, err := Run(context.Background(), client, Options{Deployment: "nope", Message: "hi"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "DeploymentNotFound") || !strings.Contains(err.Error(), "ftprep deployments list") {
		t.Errorf("404: %v", err)
	}
	cfg.APIKey = "wrong-secret-key"
	client, _ = azconn.NewClient(cfg)
	_, err = Run(context.Background(), client, Options{Deployment: "x", Message: "hi"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), "wrong-secret-key") {
		t.Errorf("401: %v", err)
	}
}

func TestParseMessages(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, expected, err string
	}{
		{"array", `[{"role":"user","content":"hi"}]`, `[{"content":"hi","role":"user"}]`, "", ""},
		{"example", `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo","weight":1}]}` + "\n", `[{"content":"hi","role":"user"}]`, "yo", ""},
		{"numbers kept", `[{"role":"user","content":[{"type":"text","text":"x"}],"x":12345678901234567890}]`, `[{"content":[{"text":"x","type":"text"}],"role":"user","x":12345678901234567890}]`, "", ""},
		{"empty", ``, "", "", "no messages on stdin"},
		{"bad json", `[{"role":`, "", "", "invalid JSON"},
		{"two lines", "{\"messages\":[]}\n{\"messages\":[]}", "", "", "more than one JSON value"},
		{"no messages key", `{"input":[]}`, "", "", "no \"messages\" array"},
		{"not array", `"hi"`, "", "", "want a JSON array"},
		{"bad role", `[{"role":"bot","content":"x"}]`, "", "", "messages[0]: role \"bot\""},
		{"not object", `[1]`, "", "", "messages[0]: not an object"},
		{"only assistant", `[{"role":"assistant","content":"x"}]`, "", "", "nothing to send"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, exp, err := ParseMessages([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(msgs)
			if string(b) != tc.want || exp != tc.expected {
				t.Errorf("got %s, %q; want %s, %q", b, exp, tc.want, tc.expected)
			}
		})
	}
}

func TestParamsChecks(t *testing.T) {
	hot := 2.5
	for _, tc := range []struct {
		o   Options
		err string
	}{
		{Options{Message: "x"}, "deployment name is required"},
		{Options{Deployment: "d"}, "a message is required"},
		{Options{Deployment: "d", Message: "x", Temperature: &hot}, "between 0 and 2"},
		{Options{Deployment: "d", Message: "x", MaxTokens: -1}, "must be positive"},
	} {
		if _, _, err := Params(tc.o); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Params(%+v) = %v, want %q", tc.o, err, tc.err)
		}
	}
}
