package deploy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ftprep/ftprep/pkg/testenv"
)

// ControlPlaneSpec is the official Microsoft.CognitiveServices deployments
// spec (subset, x-ms-examples removed) prepared for Prism in ../shared.
const controlPlaneSpec = "azure-control-plane/specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/CognitiveServices/stable/2026-09-01/cognitiveservices.deployments-subset.json"

// recorder is a Transporter that keeps every request's headers. It also
// repairs two of Prism's placeholder values the SDK cannot decode: nextLink
// "string" (not a URL; blanked so the pager stops after one page) and the
// float -3.402823669209385e+38, which is just beyond float32's range.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(context.Background()))
	r.mu.Unlock()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	b = bytes.Replace(b, []byte(`"nextLink":"string"`), []byte(`"nextLink":""`), 1)
	b = bytes.ReplaceAll(b, []byte(`-3.402823669209385e+38`), []byte(`-1`))
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, nil
}

func TestAgainstPrism(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prism")
	}
	srv := testenv.Prism(t, testenv.PrismSpec(t, controlPlaneSpec))
	rec := &recorder{}
	c, err := NewClient(Config{Subscription: testSub, ResourceGroup: testRG, Account: testAccount, Endpoint: srv.URL,
		Token: testToken, MaxRetries: -1, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	src := "/subscriptions/" + testSub + "/resourceGroups/rg-src/providers/Microsoft.CognitiveServices/accounts/aoai-west"
	// Prism answers the PUT with 200 and provisioningState "Accepted" forever, so
	// the wait is tested against fakearm; here the request is the point.
	o := CreateOptions{Name: "ft-mini", Model: testModel, SKU: "globalstandard", Capacity: 1, SourceAccount: src,
		SourceToken: "aux-secret", WaitOptions: WaitOptions{NoWait: true}}
	if _, err := c.Create(ctx, o); err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, err := c.Get(ctx, "ft-mini"); err != nil {
		t.Fatalf("get: %v", err)
	}
	if _, err := c.List(ctx); err != nil {
		t.Fatalf("list: %v", err)
	}
	if _, err := c.Delete(ctx, "ft-mini", WaitOptions{PollInterval: 1}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	srv.MustPassValidation(t)

	var methods []string
	for _, r := range rec.reqs {
		methods = append(methods, r.Method)
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("%s %s: Authorization %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		aux := r.Header.Get(AuxiliaryHeader)
		if r.Method == http.MethodPut && aux != "Bearer aux-secret" {
			t.Errorf("PUT %s = %q, want Bearer aux-secret", AuxiliaryHeader, aux)
		}
		if r.Method != http.MethodPut && aux != "" {
			t.Errorf("%s carries %s", r.Method, AuxiliaryHeader)
		}
	}
	if got := strings.Join(methods, " "); got != "PUT GET GET GET DELETE" {
		t.Errorf("requests = %s", got)
	}
	// Every request reached a route of the spec and passed its validation.
	if n := srv.Validated(); n != 5 {
		t.Errorf("Prism validated %d requests, want 5:\n%s", n, srv.Log())
	}

	// Control: the same route with a body the spec forbids (sku without its
	// required name) is rejected, so the check above can fail.
	bad, _ := http.NewRequest(http.MethodPut, srv.URL+"/subscriptions/"+testSub+"/resourceGroups/"+testRG+
		"/providers/Microsoft.CognitiveServices/accounts/"+testAccount+"/deployments/ft-mini?api-version=2025-06-01",
		strings.NewReader(`{"sku":{"capacity":1},"properties":{}}`))
	bad.Header.Set("Authorization", "Bearer x")
	bad.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(bad)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("invalid PUT: Prism answered %d, want 422", resp.StatusCode)
	}
}
