// Package chat sends one chat completion to a deployment: the smoke test after
// deploying a fine-tuned model, or the replay of one training example.
package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/openai/openai-go/v3"
)

// Options describe one chat completion request.
type Options struct {
	// Deployment is the Azure deployment name (or, on the OpenAI platform, the model).
	Deployment string
	// System, when set, becomes the system message (replacing one given in Messages).
	System string
	// Temperature is sent when non-nil.
	Temperature *float64
	// MaxTokens caps the reply (max_completion_tokens) when > 0.
	MaxTokens int
	// Message is the user message; unused when Messages is set.
	Message string
	// Messages, when non-nil, is a JSON messages array or a whole training
	// example ({"messages": [...]}), as ParseMessages reads it.
	Messages []byte
}

// Result is the outcome of one completion.
type Result struct {
	Reply        string // the first choice's content (or its refusal)
	FinishReason string // stop, length, content_filter, ...
	Model        string // the model that answered, as the service reports it
	Usage        openai.CompletionUsage
	Expected     string          // the example's final assistant message, left out of the request
	Raw          json.RawMessage // the full response body
}

// roles are the message roles the chat completions API accepts.
var roles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true, "function": true}

// ParseMessages reads a messages array, or a training example holding one,
// for replay: "weight" keys (training-only) are removed, and trailing
// assistant messages are left out, the last one returned as expected (its
// text, when it is a string).
func ParseMessages(data []byte) (msgs []map[string]any, expected string, err error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, "", errors.New("no messages on stdin: want a JSON array of messages or an example {\"messages\": [...]}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, "", fmt.Errorf("messages: invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, "", errors.New("messages: more than one JSON value on stdin: give one example (one JSONL line) or one messages array")
	}
	if obj, ok := v.(map[string]any); ok {
		m, ok := obj["messages"]
		if !ok {
			return nil, "", errors.New("messages: the object has no \"messages\" array (preference and RFT examples: pass their input messages array)")
		}
		v = m
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, "", errors.New("messages: want a JSON array of messages or an object with a \"messages\" array")
	}
	for i, it := range arr {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("messages[%d]: not an object", i)
		}
		role, _ := m["role"].(string)
		if !roles[role] {
			return nil, "", fmt.Errorf("messages[%d]: role %q is not one of system, developer, user, assistant, tool, function", i, m["role"])
		}
		delete(m, "weight")
		msgs = append(msgs, m)
	}
	for len(msgs) > 0 && msgs[len(msgs)-1]["role"] == "assistant" {
		if expected == "" {
			expected, _ = msgs[len(msgs)-1]["content"].(string)
		}
		msgs = msgs[:len(msgs)-1]
	}
	if len(msgs) == 0 {
		return nil, "", errors.New("messages: nothing to send (no message before the final assistant reply)")
	}
	return msgs, expected, nil
}

// withSystem puts system first, replacing a leading system message.
func withSystem(msgs []map[string]any, system string) []map[string]any {
	if system == "" {
		return msgs
	}
	sys := map[string]any{"role": "system", "content": system}
	if len(msgs) > 0 && msgs[0]["role"] == "system" {
		return append([]map[string]any{sys}, msgs[1:]...)
	}
	return append([]map[string]any{sys}, msgs...)
}

// Params builds the request for o; expected is what ParseMessages left out.
func Params(o Options) (p openai.ChatCompletionNewParams, expected string, err error) {
	if o.Deployment == "" {
		return p, "", errors.New("a deployment name is required")
	}
	p.Model = openai.ChatModel(o.Deployment)
	if o.Temperature != nil {
		if *o.Temperature < 0 || *o.Temperature > 2 {
			return p, "", fmt.Errorf("invalid temperature %g: must be between 0 and 2", *o.Temperature)
		}
		p.Temperature = openai.Float(*o.Temperature)
	}
	if o.MaxTokens < 0 {
		return p, "", fmt.Errorf("invalid max tokens %d: must be positive", o.MaxTokens)
	}
	if o.MaxTokens > 0 {
		p.MaxCompletionTokens = openai.Int(int64(o.MaxTokens))
	}
	if o.Messages != nil {
		msgs, exp, err := ParseMessages(o.Messages)
		if err != nil {
			return p, "", err
		}
		// The messages go as given (images, tool calls, names and all), not
		// through the SDK's typed unions, which would drop what they do not model.
		p.SetExtraFields(map[string]any{"messages": withSystem(msgs, o.System)})
		return p, exp, nil
	}
	if strings.TrimSpace(o.Message) == "" {
		return p, "", errors.New("a message is required (or - to read messages from stdin)")
	}
	if o.System != "" {
		p.Messages = append(p.Messages, openai.SystemMessage(o.System))
	}
	p.Messages = append(p.Messages, openai.UserMessage(o.Message))
	return p, "", nil
}

// Run sends one chat completion with client (see azconn.NewClient: on Azure
// the deployment name is the model and routes to /openai/deployments/NAME/...).
func Run(ctx context.Context, client openai.Client, o Options) (Result, error) {
	p, expected, err := Params(o)
	if err != nil {
		return Result{}, err
	}
	c, err := client.Chat.Completions.New(ctx, p)
	if err != nil {
		return Result{}, Explain(err, o.Deployment)
	}
	r := Result{Model: c.Model, Usage: c.Usage, Expected: expected, Raw: json.RawMessage(c.RawJSON())}
	if len(c.Choices) > 0 {
		ch := c.Choices[0]
		r.Reply, r.FinishReason = ch.Message.Content, ch.FinishReason
		if r.Reply == "" && ch.Message.Refusal != "" {
			r.Reply = ch.Message.Refusal
		}
	}
	return r, nil
}

// Explain shortens a service error and adds what usually fixes it.
func Explain(err error, deployment string) error {
	var ae *openai.Error
	if !errors.As(err, &ae) {
		return fmt.Errorf("chat with %s: %w", deployment, err)
	}
	msg := ae.Message
	if msg == "" {
		msg = http.StatusText(ae.StatusCode)
	}
	if ae.Code != "" {
		msg = ae.Code + ": " + msg
	}
	hint := ""
	switch ae.StatusCode {
	case http.StatusNotFound:
		hint = fmt.Sprintf(" (is %s a deployment of this resource? `ftprep deployments list` shows them; a new deployment can take a few minutes to answer)", deployment)
	case http.StatusUnauthorized:
		hint = " (check --api-key / AZURE_OPENAI_API_KEY, or the Entra ID role 'Cognitive Services OpenAI User')"
	case http.StatusTooManyRequests:
		hint = " (the deployment's capacity is exhausted: wait, or deploy with a larger --capacity)"
	}
	return &ServiceError{Deployment: deployment, Status: ae.StatusCode, Message: msg + hint}
}

// ServiceError is a chat request the service refused.
type ServiceError struct {
	Deployment string
	Status     int
	Message    string
}

func (e *ServiceError) Error() string {
	return fmt.Sprintf("chat with %s: HTTP %d: %s", e.Deployment, e.Status, e.Message)
}
