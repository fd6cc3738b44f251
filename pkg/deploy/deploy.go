// Package deploy creates, inspects and deletes Azure OpenAI model deployments
// through Azure Resource Manager (armcognitiveservices), waiting on the
// service's long-running operations with the SDK's poller.
package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/cognitiveservices/armcognitiveservices/v2"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/models"
)

// DefaultEndpoint is the Azure Resource Manager endpoint of the public cloud.
const DefaultEndpoint = "https://management.azure.com"

// AuxiliaryHeader carries the source tenant's token on cross-tenant deployments.
const AuxiliaryHeader = "x-ms-authorization-auxiliary"

// DefaultPollInterval is how often provisioning is checked when the service gives no Retry-After.
const DefaultPollInterval = 10 * time.Second

// Config says which account to reach and how to authenticate.
type Config struct {
	Subscription  string // subscription ID (AZURE_SUBSCRIPTION_ID)
	ResourceGroup string // resource group of the account (AZURE_RESOURCE_GROUP)
	Account       string // Azure OpenAI / Foundry resource name
	Endpoint      string // ARM endpoint; empty = DefaultEndpoint; http only for loopback hosts
	Token         string // a bearer token (az account get-access-token); empty = DefaultAzureCredential
	// Credential, when set, is used instead of Token and DefaultAzureCredential.
	Credential azcore.TokenCredential
	MaxRetries int // retries of transient failures; 0 = SDK default, <0 = none
	// Transport, when set, sends the HTTP requests (a proxy or a recorder in tests).
	Transport policy.Transporter
}

// CredentialName describes, without secrets, how ARM requests are authenticated.
func (c Config) CredentialName() string {
	switch {
	case c.Credential != nil:
		return "the given credential"
	case c.Token != "":
		return "bearer token (--arm-token / AZURE_ACCESS_TOKEN)"
	default:
		return "Microsoft Entra ID (DefaultAzureCredential: az login, managed identity, environment)"
	}
}

// Client talks to one account's deployments.
type Client struct {
	cfg Config
	dc  *armcognitiveservices.DeploymentsClient
}

// staticToken is a TokenCredential that hands out one fixed bearer token.
type staticToken string

func (s staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	// An hour ahead keeps the SDK from asking again during one command; the
	// service is the judge of real expiry.
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// taggedCred marks the errors of getting a token, so they can be told apart
// from what the service answered.
type taggedCred struct{ azcore.TokenCredential }

// tokenError is a failure of the credential, before any request.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

func (c taggedCred) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tk, err := c.TokenCredential.GetToken(ctx, o)
	if err != nil {
		return tk, &tokenError{err}
	}
	return tk, nil
}

// cloudFor returns the cloud configuration whose ARM endpoint is endpoint.
func cloudFor(endpoint string) cloud.Configuration {
	e := strings.TrimSuffix(endpoint, "/")
	for _, c := range []cloud.Configuration{cloud.AzurePublic, cloud.AzureGovernment, cloud.AzureChina} {
		if rm, ok := c.Services[cloud.ResourceManager]; ok && strings.EqualFold(strings.TrimSuffix(rm.Endpoint, "/"), e) {
			return c
		}
	}
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: cloud.AzurePublic.ActiveDirectoryAuthorityHost,
		Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Endpoint: e, Audience: e}},
	}
}

// NewClient builds a client for cfg. Building it sends nothing.
func NewClient(cfg Config) (*Client, error) {
	var missing []string
	if cfg.Subscription == "" {
		missing = append(missing, "--subscription (AZURE_SUBSCRIPTION_ID)")
	}
	if cfg.ResourceGroup == "" {
		missing = append(missing, "--resource-group (AZURE_RESOURCE_GROUP)")
	}
	if cfg.Account == "" {
		missing = append(missing, "--account (the Azure OpenAI / Foundry resource name)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	u, err := azconn.CheckURL(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("--arm-endpoint: %w", err)
	}
	endpoint := strings.TrimSuffix(u.String(), "/")
	cl := cloudFor(endpoint)
	opts := &arm.ClientOptions{ClientOptions: policy.ClientOptions{
		Cloud:     cl,
		Telemetry: policy.TelemetryOptions{ApplicationID: "ftprep"},
		// azcore refuses bearer tokens over http; CheckURL allowed http for loopback only.
		InsecureAllowCredentialWithHTTP: u.Scheme == "http",
		Transport:                       cfg.Transport,
	}}
	switch {
	case cfg.MaxRetries < 0:
		opts.Retry.MaxRetries = -1
	case cfg.MaxRetries > 0:
		opts.Retry.MaxRetries = int32(cfg.MaxRetries)
	}
	cred := cfg.Credential
	switch {
	case cred != nil:
	case cfg.Token != "":
		cred = staticToken(strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bearer "))
	default:
		c, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
			ClientOptions: policy.ClientOptions{Cloud: cl},
		})
		if err != nil {
			return nil, fmt.Errorf("Microsoft Entra ID: %w (or pass --arm-token)", err)
		}
		cred = c
	}
	dc, err := armcognitiveservices.NewDeploymentsClient(cfg.Subscription, taggedCred{cred}, opts)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, dc: dc}, nil
}

// Deployment is ftprep's view of one deployment.
type Deployment struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	SKU               string `json:"sku"`
	Capacity          int    `json:"capacity,omitempty"`
	Model             string `json:"model"`
	ModelVersion      string `json:"modelVersion,omitempty"`
	Source            string `json:"source,omitempty"`
	ProvisioningState string `json:"provisioningState"`
}

// fromARM converts the SDK's deployment.
func fromARM(d armcognitiveservices.Deployment) Deployment {
	out := Deployment{ID: deref(d.ID), Name: deref(d.Name)}
	if d.SKU != nil {
		out.SKU = deref(d.SKU.Name)
		if d.SKU.Capacity != nil {
			out.Capacity = int(*d.SKU.Capacity)
		}
	}
	if p := d.Properties; p != nil {
		if p.ProvisioningState != nil {
			out.ProvisioningState = string(*p.ProvisioningState)
		}
		if m := p.Model; m != nil {
			out.Model, out.ModelVersion, out.Source = deref(m.Name), deref(m.Version), deref(m.Source)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Progress is one observation while waiting on a long-running operation.
type Progress struct {
	Name    string        // deployment name
	Op      string        // "create" or "delete"
	State   string        // the service's status (InProgress, Creating, Succeeded, ...)
	Elapsed time.Duration // since the request was accepted
}

// WaitOptions say whether and how to wait for a long-running operation.
type WaitOptions struct {
	NoWait       bool           // return once the service accepted the request
	PollInterval time.Duration  // 0 = DefaultPollInterval; a Retry-After from the service wins
	Progress     func(Progress) // called after every poll; may be nil
}

// CreateOptions describe one deployment to create (or update: PUT replaces it).
type CreateOptions struct {
	Name          string // deployment name, used as the model name in inference calls
	Model         string // fine-tuned model (BASE.ft-…) or checkpoint (ftchkpt-…)
	SKU           string // standard, globalstandard, developer, provisioned
	Capacity      int    // SKU capacity, ≥ 1
	SourceAccount string // ARM resource ID of the account holding the model (cross-region / cross-subscription)
	SourceToken   string // bearer token of the source tenant (cross-tenant), sent as x-ms-authorization-auxiliary
	WaitOptions
}

// Request builds the ARM deployment body for o (model format OpenAI, version "1").
func Request(o CreateOptions) (armcognitiveservices.Deployment, error) {
	sku, ok := models.ARMSku(o.SKU)
	if !ok {
		return armcognitiveservices.Deployment{}, fmt.Errorf("invalid sku %q", o.SKU)
	}
	m := &armcognitiveservices.DeploymentModel{Format: to.Ptr("OpenAI"), Name: to.Ptr(o.Model), Version: to.Ptr("1")}
	if o.SourceAccount != "" {
		m.Source = to.Ptr(o.SourceAccount)
	}
	return armcognitiveservices.Deployment{
		SKU:        &armcognitiveservices.SKU{Name: to.Ptr(sku), Capacity: to.Ptr(int32(o.Capacity))},
		Properties: &armcognitiveservices.DeploymentProperties{Model: m},
	}, nil
}

// FailedError reports a deployment operation the service ended in a failed state.
type FailedError struct {
	Name, Op, State, Code, Message string
}

func (e *FailedError) Error() string {
	s := fmt.Sprintf("%s of deployment %s ended %s", e.Op, e.Name, e.State)
	if e.Code != "" || e.Message != "" {
		s += ": " + strings.TrimPrefix(e.Code+": "+e.Message, ": ")
	}
	return s
}

// Create checks o locally, sends the deployment and, unless o.NoWait, waits
// until it is provisioned. It returns the deployment as last seen.
func (c *Client) Create(ctx context.Context, o CreateOptions) (Deployment, error) {
	if _, err := Check(o); err != nil {
		return Deployment{}, err
	}
	body, err := Request(o)
	if err != nil {
		return Deployment{}, err
	}
	reqCtx := ctx
	if o.SourceToken != "" {
		// Only the PUT carries the source tenant's token; polls do not need it.
		tok := strings.TrimPrefix(strings.TrimSpace(o.SourceToken), "Bearer ")
		reqCtx = policy.WithHTTPHeader(ctx, http.Header{AuxiliaryHeader: []string{"Bearer " + tok}})
	}
	poller, err := c.dc.BeginCreateOrUpdate(reqCtx, c.cfg.ResourceGroup, c.cfg.Account, o.Name, body, nil)
	if err != nil {
		return Deployment{}, c.explain(err, "create", o.Name)
	}
	if o.NoWait {
		if poller.Done() {
			res, err := poller.Result(ctx)
			if err != nil {
				return Deployment{}, c.failed(err, "create", o.Name)
			}
			return fromARM(res.Deployment), nil
		}
		return c.Get(ctx, o.Name)
	}
	res, err := wait(ctx, poller, o.WaitOptions, o.Name, "create")
	if err != nil {
		return Deployment{}, c.failed(err, "create", o.Name)
	}
	d := fromARM(res.Deployment)
	if d.ProvisioningState != "" && d.ProvisioningState != string(armcognitiveservices.DeploymentProvisioningStateSucceeded) {
		return d, &FailedError{Name: o.Name, Op: "create", State: d.ProvisioningState}
	}
	return d, nil
}

// Get returns one deployment.
func (c *Client) Get(ctx context.Context, name string) (Deployment, error) {
	if err := CheckName(name); err != nil {
		return Deployment{}, err
	}
	r, err := c.dc.Get(ctx, c.cfg.ResourceGroup, c.cfg.Account, name, nil)
	if err != nil {
		return Deployment{}, c.explain(err, "get", name)
	}
	return fromARM(r.Deployment), nil
}

// List returns every deployment of the account, in the service's order.
func (c *Client) List(ctx context.Context) ([]Deployment, error) {
	out := []Deployment{}
	pager := c.dc.NewListPager(c.cfg.ResourceGroup, c.cfg.Account, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, c.explain(err, "list", "")
		}
		for _, d := range page.Value {
			if d != nil {
				out = append(out, fromARM(*d))
			}
		}
	}
	return out, nil
}

// Delete removes a deployment and, unless w.NoWait, waits until it is gone.
// done reports whether the deletion completed (false with NoWait while the service works).
func (c *Client) Delete(ctx context.Context, name string, w WaitOptions) (done bool, err error) {
	if err := CheckName(name); err != nil {
		return false, err
	}
	poller, err := c.dc.BeginDelete(ctx, c.cfg.ResourceGroup, c.cfg.Account, name, nil)
	if err != nil {
		return false, c.explain(err, "delete", name)
	}
	if w.NoWait {
		return poller.Done(), nil
	}
	if _, err := wait(ctx, poller, w, name, "delete"); err != nil {
		return false, c.failed(err, "delete", name)
	}
	return true, nil
}

// wait polls p until it is done, reporting progress, honouring Retry-After.
func wait[T any](ctx context.Context, p *runtime.Poller[T], w WaitOptions, name, op string) (T, error) {
	every := w.PollInterval
	if every <= 0 {
		every = DefaultPollInterval
	}
	start := time.Now()
	delay := every
	for !p.Done() {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			var zero T
			return zero, ctx.Err()
		case <-t.C:
		}
		resp, err := p.Poll(ctx)
		if err != nil {
			var zero T
			return zero, err
		}
		if w.Progress != nil {
			w.Progress(Progress{Name: name, Op: op, State: stateOf(resp), Elapsed: time.Since(start)})
		}
		delay = every
		if ra := retryAfter(resp); ra > 0 {
			delay = min(ra, 2*time.Minute)
		}
	}
	return p.Result(ctx)
}

// stateOf reads the status of a poll response: "status" of an operation
// resource, or properties.provisioningState of the resource itself.
func stateOf(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	b, err := runtime.Payload(resp)
	if err != nil || len(b) == 0 {
		if resp.StatusCode == http.StatusAccepted {
			return "InProgress"
		}
		if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNoContent {
			return "Succeeded"
		}
		return ""
	}
	var v struct {
		Status     string `json:"status"`
		Properties struct {
			ProvisioningState string `json:"provisioningState"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(b, &v)
	if v.Status != "" {
		return v.Status
	}
	return v.Properties.ProvisioningState
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// failed turns the error of a finished operation into a FailedError when the
// service reported a failed state, else explains it.
func (c *Client) failed(err error, op, name string) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) && re.RawResponse != nil {
		b, _ := runtime.Payload(re.RawResponse)
		var v struct {
			Status string `json:"status"`
			Error  struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &v) == nil && (v.Status == "Failed" || v.Status == "Canceled") {
			return &FailedError{Name: name, Op: op, State: v.Status, Code: v.Error.Code, Message: v.Error.Message}
		}
	}
	return c.explain(err, op, name)
}

// explain shortens an SDK error to one line with the service's code and message
// and a hint for the usual causes. It never includes credentials.
func (c *Client) explain(err error, op, name string) error {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		var te *tokenError
		if errors.As(err, &te) {
			return &AuthError{Op: opName(op, name), Credential: c.cfg.CredentialName(), Err: te.err}
		}
		return fmt.Errorf("%s: %w", opName(op, name), err)
	}
	msg := re.ErrorCode
	if re.RawResponse != nil {
		b, _ := runtime.Payload(re.RawResponse)
		var v struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &v) == nil && v.Error.Message != "" {
			msg = strings.TrimPrefix(v.Error.Code+": "+v.Error.Message, ": ")
		}
	}
	hint := ""
	switch re.StatusCode {
	case http.StatusUnauthorized:
		hint = " (credential: " + c.cfg.CredentialName() + "; a token from `az account get-access-token` lasts about an hour)"
	case http.StatusForbidden:
		hint = " (needs a role with Microsoft.CognitiveServices/accounts/deployments/write, e.g. Cognitive Services Contributor, on the account)"
	case http.StatusNotFound:
		hint = fmt.Sprintf(" (check --subscription, --resource-group %s and --account %s)", c.cfg.ResourceGroup, c.cfg.Account)
	}
	if msg == "" {
		msg = http.StatusText(re.StatusCode)
	}
	return &ServiceError{Op: opName(op, name), Status: re.StatusCode, Message: msg + hint}
}

// AuthError is a failure to get a token before any request was sent
// (no Azure sign-in on this machine, typically).
type AuthError struct {
	Op, Credential string
	Err            error
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("%s: no token from %s (sign in with `az login`, or pass --arm-token \"$(az account get-access-token --query accessToken -o tsv)\"): %v",
		e.Op, e.Credential, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// ServiceError is a request Azure Resource Manager refused.
type ServiceError struct {
	Op      string
	Status  int
	Message string
}

func (e *ServiceError) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %s", e.Op, e.Status, e.Message)
}

func opName(op, name string) string {
	if name == "" {
		return op + " deployments"
	}
	return op + " deployment " + name
}
