package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/ftprep/ftprep/internal/fakearm"
)

const (
	testSub     = "00000000-0000-0000-0000-000000000001"
	testRG      = "rg-ft"
	testAccount = "aoai-east"
	testToken   = "eyJ0eXAi.secret-arm-token"
	testModel   = "gpt-4.1-mini-2025-04-14.ft-b044a9d3cf9c4228b5d393567f693b83"
	accountPath = "/subscriptions/" + testSub + "/resourceGroups/" + testRG + "/providers/Microsoft.CognitiveServices/accounts/" + testAccount
)

func fakeClient(t *testing.T) (*fakearm.Server, *Client) {
	t.Helper()
	fake, url := fakearm.Start(t)
	c, err := NewClient(Config{Subscription: testSub, ResourceGroup: testRG, Account: testAccount, Endpoint: url, Token: testToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

func fastWait() WaitOptions { return WaitOptions{PollInterval: time.Millisecond} }

func TestCreateWaitsUntilSucceeded(t *testing.T) {
	fake, c := fakeClient(t)
	fake.Polls = 3
	var seen, resource []string
	o := CreateOptions{Name: "ft-mini", Model: testModel, SKU: "globalstandard", Capacity: 2, WaitOptions: fastWait()}
	o.Progress = func(p Progress) {
		if p.Name != "ft-mini" || p.Op != "create" {
			t.Errorf("progress for %s/%s", p.Op, p.Name)
		}
		seen = append(seen, p.State)
		d, err := c.Get(context.Background(), "ft-mini")
		if err != nil {
			t.Fatal(err)
		}
		resource = append(resource, d.ProvisioningState)
	}
	d, err := c.Create(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	want := Deployment{ID: accountPath + "/deployments/ft-mini", Name: "ft-mini", SKU: "GlobalStandard", Capacity: 2,
		Model: testModel, ModelVersion: "1", ProvisioningState: "Succeeded"}
	if d != want {
		t.Errorf("deployment\n got %+v\nwant %+v", d, want)
	}
	if got := strings.Join(seen, ","); got != "InProgress,InProgress,InProgress,Succeeded" {
		t.Errorf("progress states = %s", got)
	}
	if got := strings.Join(resource, ","); got != "Creating,Creating,Creating,Succeeded" {
		t.Errorf("deployment states while waiting = %s", got)
	}
	reqs := fake.Requests()
	put := reqs[0]
	if put.Method != http.MethodPut || put.Path != accountPath+"/deployments/ft-mini" {
		t.Fatalf("first request %s %s", put.Method, put.Path)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(put.Body), &body); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(body)
	if got := string(b); got != `{"properties":{"model":{"format":"OpenAI","name":"`+testModel+`","version":"1"}},"sku":{"capacity":2,"name":"GlobalStandard"}}` {
		t.Errorf("PUT body = %s", got)
	}
	if put.Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("Authorization = %q", put.Header.Get("Authorization"))
	}
	if put.Header.Get(AuxiliaryHeader) != "" {
		t.Errorf("auxiliary header sent without --source-token")
	}
	// The final GET after the operation is on the deployment itself.
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodGet || last.Path != accountPath+"/deployments/ft-mini" {
		t.Errorf("last request %s %s", last.Method, last.Path)
	}
}

func TestCreateSourceAndAuxiliaryHeader(t *testing.T) {
	fake, c := fakeClient(t)
	src := "/subscriptions/" + testSub + "/resourceGroups/rg-src/providers/Microsoft.CognitiveServices/accounts/aoai-west"
	o := CreateOptions{Name: "ft-x", Model: testModel, SKU: "standard", Capacity: 1, SourceAccount: src,
		SourceToken: "source-tenant-secret", WaitOptions: fastWait()}
	d, err := c.Create(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != src || d.SKU != "Standard" {
		t.Errorf("deployment %+v", d)
	}
	reqs := fake.Requests()
	if got := reqs[0].Header.Get(AuxiliaryHeader); got != "Bearer source-tenant-secret" {
		t.Errorf("PUT %s = %q", AuxiliaryHeader, got)
	}
	if !strings.Contains(reqs[0].Body, `"source":"`+src+`"`) {
		t.Errorf("PUT body lacks properties.model.source: %s", reqs[0].Body)
	}
	for _, r := range reqs[1:] {
		if r.Header.Get(AuxiliaryHeader) != "" {
			t.Errorf("%s %s carries the source token; only the PUT should", r.Method, r.Path)
		}
	}
}

func TestCreateFailed(t *testing.T) {
	fake, c := fakeClient(t)
	fake.Fail = map[string]fakearm.Failure{"ft-bad": {Code: "InsufficientQuota", Message: "This operation requires 50 new capacity in quota Tokens Per Minute (thousands) - gpt-4.1-mini-finetune, which is bigger than the current available capacity 0."}}
	_, err := c.Create(context.Background(), CreateOptions{Name: "ft-bad", Model: testModel, SKU: "standard", Capacity: 50, WaitOptions: fastWait()})
	var fe *FailedError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want *FailedError", err, err)
	}
	if fe.State != "Failed" || fe.Code != "InsufficientQuota" || !strings.Contains(fe.Message, "bigger than the current available capacity") {
		t.Errorf("FailedError = %+v", fe)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error shows the token: %v", err)
	}
	d, err := c.Get(context.Background(), "ft-bad")
	if err != nil || d.ProvisioningState != "Failed" {
		t.Errorf("after failure: %+v, %v", d, err)
	}
}

func TestCreateNoWait(t *testing.T) {
	fake, c := fakeClient(t)
	w := fastWait()
	w.NoWait = true
	d, err := c.Create(context.Background(), CreateOptions{Name: "ft-nw", Model: testModel, SKU: "developer", Capacity: 1, WaitOptions: w})
	if err != nil {
		t.Fatal(err)
	}
	if d.ProvisioningState != "Accepted" || d.SKU != "DeveloperTier" {
		t.Errorf("deployment %+v, want Accepted DeveloperTier", d)
	}
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, "/fakearm/operations/") {
			t.Errorf("--no-wait polled %s", r.Path)
		}
	}
}

func TestListGetDelete(t *testing.T) {
	fake, c := fakeClient(t)
	ctx := context.Background()
	for _, n := range []string{"a-1", "b-2"} {
		if _, err := c.Create(ctx, CreateOptions{Name: n, Model: testModel, SKU: "standard", Capacity: 1, WaitOptions: fastWait()}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "a-1" || list[1].Name != "b-2" || list[1].ProvisioningState != "Succeeded" {
		t.Fatalf("list = %+v", list)
	}
	var states []string
	done, err := c.Delete(ctx, "a-1", WaitOptions{PollInterval: time.Millisecond, Progress: func(p Progress) { states = append(states, p.State) }})
	if err != nil || !done {
		t.Fatalf("delete: %v, %v", done, err)
	}
	if got := strings.Join(states, ","); got != "InProgress,InProgress,Succeeded" {
		t.Errorf("delete progress = %s", got)
	}
	if got := strings.Join(fake.Names(), ","); got != "b-2" {
		t.Errorf("left = %s", got)
	}
	done, err = c.Delete(ctx, "b-2", WaitOptions{NoWait: true})
	if err != nil || done {
		t.Fatalf("delete --no-wait: done=%v err=%v", done, err)
	}
	if d, err := c.Get(ctx, "b-2"); err != nil || d.ProvisioningState != "Deleting" {
		t.Errorf("after delete --no-wait: %+v %v", d, err)
	}
	_, err = c.Get(ctx, "a-1")
	var se *ServiceError
	if !errors.As(err, &se) || se.Status != 404 || !strings.Contains(se.Message, "DeploymentNotFound") || !strings.Contains(se.Message, "--account aoai-east") {
		t.Errorf("get deleted: %v", err)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	fake, c := fakeClient(t)
	fake.Polls = 1
	fake.RetryAfter = "1"
	start := time.Now()
	if _, err := c.Create(context.Background(), CreateOptions{Name: "ra", Model: testModel, SKU: "standard", Capacity: 1, WaitOptions: fastWait()}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("finished in %v: Retry-After: 1 was ignored", el)
	}
}

func TestBearerPrefixedToken(t *testing.T) {
	fake, url := fakearm.Start(t)
	fake.Token = testToken
	// What users paste from other tools often starts with "Bearer ".
	c, err := NewClient(Config{Subscription: testSub, ResourceGroup: testRG, Account: testAccount, Endpoint: url + "/", Token: "Bearer " + testToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.List(context.Background()); err != nil {
		t.Fatalf("list with a 'Bearer '-prefixed token: %v", err)
	}
}

func TestUnauthorizedExplained(t *testing.T) {
	fake, url := fakearm.Start(t)
	fake.Token = "the-right-token"
	c, err := NewClient(Config{Subscription: testSub, ResourceGroup: testRG, Account: testAccount, Endpoint: url, Token: testToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(context.Background(), CreateOptions{Name: "x1", Model: testModel, SKU: "standard", Capacity: 1, SourceToken: "aux-secret"})
	var se *ServiceError
	if !errors.As(err, &se) || se.Status != 401 || !strings.Contains(err.Error(), "AuthenticationFailed") || !strings.Contains(err.Error(), "--arm-token") {
		t.Fatalf("err = %v", err)
	}
	for _, secret := range []string{testToken, "aux-secret"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows a secret: %v", err)
		}
	}
}

// failingCred is a credential that cannot get a token (no sign-in on the machine).
type failingCred struct{}

func (failingCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, errors.New("DefaultAzureCredential: failed to acquire a token")
}

func TestNoTokenIsAuthError(t *testing.T) {
	fake, url := fakearm.Start(t)
	c, err := NewClient(Config{Subscription: testSub, ResourceGroup: testRG, Account: testAccount, Endpoint: url, Credential: failingCred{}, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background())
	var ae *AuthError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "--arm-token") || !strings.Contains(err.Error(), "failed to acquire a token") {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent without a token", n)
	}
}

func TestNewClientChecks(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing all", Config{Token: "x"}, "missing --subscription (AZURE_SUBSCRIPTION_ID), --resource-group (AZURE_RESOURCE_GROUP), --account"},
		{"http remote", Config{Subscription: "s", ResourceGroup: "r", Account: "a", Token: "x", Endpoint: "http://management.example.com"}, "refusing plain http://"},
		{"bad url", Config{Subscription: "s", ResourceGroup: "r", Account: "a", Token: "x", Endpoint: "management.azure.com"}, "invalid endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := NewClient(Config{Subscription: "s", ResourceGroup: "r", Account: "a", Token: "x", Endpoint: "http://localhost:1"}); err != nil {
		t.Errorf("loopback http refused: %v", err)
	}
}

func TestCloudFor(t *testing.T) {
	if got := cloudFor("https://management.usgovcloudapi.net/"); got.ActiveDirectoryAuthorityHost != "https://login.microsoftonline.us/" {
		t.Errorf("government cloud: %+v", got)
	}
	got := cloudFor("http://127.0.0.1:4010")
	if rm := got.Services["resourceManager"]; rm.Endpoint != "http://127.0.0.1:4010" || rm.Audience != "http://127.0.0.1:4010" {
		t.Errorf("custom cloud: %+v", got)
	}
}
