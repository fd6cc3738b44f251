package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/internal/fakearm"
	"github.com/ftprep/ftprep/pkg/testenv"
)

var depUpdate = flag.Bool("update-deploy", false, "rewrite testdata/deploy golden files")

const (
	depToken = "arm-secret-token-xyz"
	depModel = "gpt-4.1-mini-2025-04-14.ft-b044a9d3cf9c4228b5d393567f693b83"
)

// depRun runs ftprep in-process with stdin and returns exit code, stdout, stderr.
func depRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"ftprep"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// depARM starts fakearm and returns the flags that reach it.
func depARM(t *testing.T) (*fakearm.Server, []string) {
	t.Helper()
	fake, url := fakearm.Start(t)
	fake.Token = depToken
	return fake, []string{"--subscription", "00000000-0000-0000-0000-000000000001", "--resource-group", "rg-ft",
		"--account", "aoai-east", "--arm-endpoint", url, "--arm-token", depToken}
}

// depPoll makes deploy and delete poll fakearm without delay.
var depPoll = []string{"--poll-interval", "1ms"}

func depGolden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join(testenv.RepoRoot(t), "testdata", "deploy", name)
	if *depUpdate {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run Deploy -update-deploy)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (-update-deploy rewrites it)\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func depNoSecrets(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, secret := range []string{depToken, "aux-secret-token", "aoai-api-secret"} {
			if strings.Contains(s, secret) {
				t.Errorf("output shows a secret %q:\n%s", secret, s)
			}
		}
	}
}

func TestDeployCommandLifecycle(t *testing.T) {
	fake, arm := depARM(t)
	code, out, errOut := depRun(t, "", append([]string{"deploy", depModel, "--name", "ft-mini", "--sku", "globalstandard",
		"--source-token", "aux-secret-token"}, append(arm, depPoll...)...)...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	depGolden(t, "deploy.txt", out)
	if errOut != "" {
		t.Errorf("stderr not empty: %s", errOut)
	}
	if got := fake.Requests()[0].Header.Get("x-ms-authorization-auxiliary"); got != "Bearer aux-secret-token" {
		t.Errorf("auxiliary header %q", got)
	}

	code, out, errOut = depRun(t, "", append([]string{"deploy", "gpt-35-turbo-0125.ft-0e208cf33a6a466994aff31a08aba678", "--name", "ft-35",
		"--sku", "provisioned", "--capacity", "3", "--format", "json", "--no-wait"}, append(arm, depPoll...)...)...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "warning: sku provisioned is not listed for gpt-35-turbo-0125") {
		t.Errorf("no sku warning: %s", errOut)
	}
	var v struct {
		Deployment map[string]any `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for k, want := range map[string]any{"name": "ft-35", "sku": "ProvisionedManaged", "provisioningState": "Accepted",
		"model": "gpt-35-turbo-0125.ft-0e208cf33a6a466994aff31a08aba678",
		"id":    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ft/providers/Microsoft.CognitiveServices/accounts/aoai-east/deployments/ft-35"} {
		if v.Deployment[k] != want {
			t.Errorf("json %s = %v, want %v", k, v.Deployment[k], want)
		}
	}

	code, out, _ = depRun(t, "", append([]string{"deployments", "list"}, arm...)...)
	if code != ExitOK {
		t.Fatalf("list exit %d", code)
	}
	depGolden(t, "deployments-list.txt", out)

	code, out, _ = depRun(t, "", append([]string{"deployments", "show", "ft-mini", "--format", "json"}, arm...)...)
	if code != ExitOK {
		t.Fatalf("show exit %d", code)
	}
	depGolden(t, "deployments-show.json", out)

	code, out, errOut = depRun(t, "", append([]string{"deployments", "delete", "ft-mini"}, append(arm, depPoll...)...)...)
	if code != ExitOK || !strings.Contains(out, "Deleted deployment ft-mini.") || !strings.Contains(out, "bill hosting hours") {
		t.Fatalf("delete exit %d\n%s%s", code, out, errOut)
	}
	if got := strings.Join(fake.Names(), ","); got != "ft-35" {
		t.Errorf("left after delete: %s", got)
	}
	code, out, _ = depRun(t, "", append([]string{"deployments", "delete", "ft-35", "--no-wait", "--format", "json"}, arm...)...)
	if code != ExitOK || strings.TrimSpace(out) != "{\n  \"deployment\": {\n    \"name\": \"ft-35\",\n    \"state\": \"Deleting\"\n  }\n}" {
		t.Errorf("delete --no-wait exit %d: %s", code, out)
	}
	code, out, errOut = depRun(t, "", append([]string{"deployments", "show", "ft-mini"}, arm...)...)
	if code != ExitFindings || !strings.Contains(errOut, "HTTP 404") || !strings.Contains(errOut, "DeploymentNotFound") {
		t.Errorf("show deleted: exit %d %s%s", code, out, errOut)
	}
	depNoSecrets(t, out, errOut)
}

func TestDeployCommandFailed(t *testing.T) {
	fake, arm := depARM(t)
	fake.Fail = map[string]fakearm.Failure{"ft-bad": {Code: "InsufficientQuota", Message: "quota exceeded for gpt-4.1-mini-finetune"}}
	code, out, errOut := depRun(t, "", append([]string{"deploy", depModel, "--name", "ft-bad"}, append(arm, depPoll...)...)...)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitFindings, out, errOut)
	}
	if !strings.Contains(out, "state       Failed") {
		t.Errorf("stdout lacks the final state:\n%s", out)
	}
	if !strings.Contains(errOut, "create of deployment ft-bad ended Failed: InsufficientQuota: quota exceeded") {
		t.Errorf("stderr: %s", errOut)
	}
	depNoSecrets(t, out, errOut)
}

func TestDeployCommandUsage(t *testing.T) {
	_, arm := depARM(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deploy", "--name", "x1"}, "deploy takes one MODEL"},
		{[]string{"deploy", depModel}, "a deployment name is required"},
		{[]string{"deploy", depModel, "--name", "bad name"}, "invalid deployment name"},
		{[]string{"deploy", depModel, "--name", "ok1", "--capacity", "0"}, "must be at least 1"},
		{[]string{"deploy", depModel, "--name", "ok1", "--sku", "premium"}, "invalid sku"},
		{[]string{"deploy", "ft:gpt-4o-mini-2024-07-18:org::x", "--name", "ok1"}, "OpenAI platform model ID"},
		{[]string{"deploy", depModel, "--name", "ok1", "--format", "yaml"}, "unknown format"},
		{[]string{"deployments", "show"}, "takes one deployment NAME"},
		{[]string{"deployments", "delete", "a/b"}, "invalid deployment name"},
		{[]string{"deployments", "list", "extra"}, "takes no arguments"},
	} {
		code, out, errOut := depRun(t, "", append(tc.args, arm...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q (stdout %q)", tc.args, code, errOut, tc.want, out)
		}
	}
	// Missing account details are usage errors before any request.
	code, _, errOut := depRun(t, "", "deployments", "list", "--arm-token", "x", "--subscription", "", "--resource-group", "", "--account", "")
	if code != ExitUsage || !strings.Contains(errOut, "missing --subscription") {
		t.Errorf("missing account: exit %d %s", code, errOut)
	}
	code, _, errOut = depRun(t, "", "deployments", "list", "--arm-token", "x", "--subscription", "s", "-g", "r", "--account", "a", "--arm-endpoint", "http://arm.example.com")
	if code != ExitUsage || !strings.Contains(errOut, "refusing plain http://") {
		t.Errorf("http endpoint: exit %d %s", code, errOut)
	}
}

func TestDeploymentsListEmpty(t *testing.T) {
	_, arm := depARM(t)
	code, out, _ := depRun(t, "", append([]string{"deployments", "list", "--format", "json"}, arm...)...)
	if code != ExitOK || strings.TrimSpace(out) != "{\n  \"deployments\": []\n}" {
		t.Errorf("exit %d: %q", code, out)
	}
	code, out, _ = depRun(t, "", append([]string{"deployments", "list"}, arm...)...)
	if code != ExitOK || out != "no deployments in aoai-east\n" {
		t.Errorf("exit %d: %q", code, out)
	}
}

// depAOAI is a fake Azure OpenAI data plane answering chat completions.
func depAOAI(t *testing.T) (*[]string, []string) {
	t.Helper()
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, r.URL.Path+" "+string(b))
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("api-key") != "aoai-api-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"code":"401","message":"Access denied"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4.1-mini-2025-04-14.ft-b044","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Your order ships today."}}],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}`)
	}))
	t.Cleanup(srv.Close)
	return &bodies, []string{"--endpoint", srv.URL, "--api-key", "aoai-api-secret", "--api-version", "2025-04-01-preview"}
}

func TestChatCommand(t *testing.T) {
	bodies, conn := depAOAI(t)
	code, out, errOut := depRun(t, "", append([]string{"chat", "ft-mini", "--temperature", "0", "Where", "is", "order", "1234?"}, conn...)...)
	if code != ExitOK || out != "Your order ships today.\n" {
		t.Fatalf("exit %d: %q %q", code, out, errOut)
	}
	if got := (*bodies)[0]; !strings.HasPrefix(got, "/openai/deployments/ft-mini/chat/completions ") ||
		!strings.Contains(got, `"content":"Where is order 1234?"`) || !strings.Contains(got, `"temperature":0`) {
		t.Errorf("request %s", got)
	}

	example := `{"messages":[{"role":"user","content":"Where is order 1234?"},{"role":"assistant","content":"It ships today.","weight":1}]}` + "\n"
	code, out, errOut = depRun(t, example, append([]string{"chat", "ft-mini", "-", "--format", "json"}, conn...)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil || v["id"] != "chatcmpl-1" || v["usage"] == nil {
		t.Errorf("json output %s (%v)", out, err)
	}
	if !strings.Contains(errOut, "expected (the example's reply): It ships today.") {
		t.Errorf("stderr %q", errOut)
	}
	if got := (*bodies)[1]; strings.Contains(got, "weight") || strings.Contains(got, "It ships today.") {
		t.Errorf("replayed request kept training-only parts: %s", got)
	}

	code, _, errOut = depRun(t, "", append([]string{"chat", "ft-mini", "hi", "--api-key", "wrong-key"}, conn[:2]...)...)
	if code != ExitFindings || !strings.Contains(errOut, "HTTP 401") {
		t.Errorf("wrong key: exit %d %s", code, errOut)
	}
	depNoSecrets(t, out, errOut)

	for _, tc := range []struct {
		args []string
		in   string
		want string
	}{
		{[]string{"chat", "ft-mini"}, "", "chat takes a DEPLOYMENT and a MESSAGE"},
		{[]string{"chat", "ft-mini", "-"}, "not json", "invalid JSON"},
		{[]string{"chat", "ft-mini", "hi", "--temperature", "3"}, "", "between 0 and 2"},
	} {
		code, _, errOut := depRun(t, tc.in, append(tc.args, conn...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestDeployHelpHidesSecrets(t *testing.T) {
	t.Setenv("AZURE_ACCESS_TOKEN", depToken)
	t.Setenv("AZURE_SOURCE_ACCESS_TOKEN", "aux-secret-token")
	t.Setenv("AZURE_OPENAI_API_KEY", "aoai-api-secret")
	for _, args := range [][]string{{"deploy", "--help"}, {"deployments", "delete", "--help"}, {"chat", "--help"}} {
		code, out, errOut := depRun(t, "", args...)
		if code != ExitOK || !strings.Contains(out, "USAGE") {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
		depNoSecrets(t, out, errOut)
	}
}
