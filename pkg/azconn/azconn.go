// Package azconn builds the one openai-go client every data-plane command uses
// (upload, import, files, submit, jobs, results, chat), for Azure OpenAI (API key
// or Microsoft Entra ID) or the OpenAI platform.
package azconn

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"
)

// DefaultAPIVersion is the Azure OpenAI data-plane API version used when none is given.
const DefaultAPIVersion = "2025-04-01-preview"

// CognitiveServicesScope is the Entra ID scope for Azure OpenAI data-plane calls.
const CognitiveServicesScope = "https://cognitiveservices.azure.com/.default"

// Config says where and how to connect. Empty fields are filled from the
// environment by FromEnv.
type Config struct {
	Endpoint   string // Azure resource endpoint, e.g. https://RES.openai.azure.com
	APIKey     string // Azure api-key; empty = Entra ID (DefaultAzureCredential)
	APIVersion string // e.g. 2025-04-01-preview, or "v1" for the /openai/v1 surface
	OpenAIKey  string // OpenAI platform key, used when Endpoint is empty
	BaseURL    string // OpenAI platform base URL (default https://api.openai.com/v1)
	MaxRetries int    // retries of transient failures (429, 5xx, dropped connections); 0 = 4, <0 = none
	// MaxRetryDelay caps one wait between retries, including a service's
	// Retry-After (0 = 60 s).
	MaxRetryDelay time.Duration
	// TokenCredential, when set, is the Entra ID credential used without an API
	// key (nil = azidentity.DefaultAzureCredential). Tests pass a stub here.
	TokenCredential azcore.TokenCredential
}

// Kind names the service a Config reaches.
type Kind string

// Service kinds.
const (
	AzureDeployments Kind = "azure"    // /openai/...?api-version=X
	AzureV1          Kind = "azure-v1" // /openai/v1/...
	OpenAI           Kind = "openai"   // api.openai.com/v1
)

// FromEnv fills empty fields from AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY,
// OPENAI_API_VERSION, OPENAI_API_KEY and OPENAI_BASE_URL.
func (c Config) FromEnv() Config {
	set := func(p *string, env string) {
		if *p == "" {
			*p = os.Getenv(env)
		}
	}
	set(&c.Endpoint, "AZURE_OPENAI_ENDPOINT")
	set(&c.APIKey, "AZURE_OPENAI_API_KEY")
	set(&c.APIVersion, "OPENAI_API_VERSION")
	set(&c.OpenAIKey, "OPENAI_API_KEY")
	set(&c.BaseURL, "OPENAI_BASE_URL")
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	return c
}

// Kind reports which service the config reaches.
func (c Config) Kind() Kind {
	switch {
	case c.Endpoint != "" && c.APIVersion == "v1":
		return AzureV1
	case c.Endpoint != "":
		return AzureDeployments
	default:
		return OpenAI
	}
}

// Credential describes, without secrets, how requests are authenticated
// (for error messages such as "401 with api-key from AZURE_OPENAI_API_KEY").
func (c Config) Credential() string {
	switch {
	case c.Endpoint != "" && c.APIKey != "":
		return "Azure API key (--api-key / AZURE_OPENAI_API_KEY)"
	case c.Endpoint != "":
		return "Microsoft Entra ID (DefaultAzureCredential; needs the 'Cognitive Services OpenAI Contributor' role on the resource)"
	default:
		return "OpenAI API key (OPENAI_API_KEY)"
	}
}

// ErrNoService is returned when neither an Azure endpoint nor an OpenAI key is configured.
var ErrNoService = errors.New("no service configured: set --endpoint (AZURE_OPENAI_ENDPOINT) with --api-key (AZURE_OPENAI_API_KEY) or `az login`, or OPENAI_API_KEY for the OpenAI platform")

// CheckURL refuses plain http:// except to loopback hosts.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("invalid endpoint %q: want https://HOST", raw)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("refusing plain http:// to %s: only loopback hosts (tests, emulators) may use http; use https", u.Hostname())
	}
	return u, nil
}

// IsLoopback reports whether host is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NewClient builds the openai-go client for c (after FromEnv). Building it sends nothing.
func NewClient(c Config) (openai.Client, error) {
	retries := c.MaxRetries
	if retries == 0 {
		retries = 4
	}
	if retries < 0 {
		retries = 0
	}
	delay := c.MaxRetryDelay
	if delay <= 0 {
		delay = 60 * time.Second
	}
	opts := []option.RequestOption{option.WithMaxRetries(retries), option.WithMaxRetryDelay(delay)}
	switch c.Kind() {
	case OpenAI:
		if c.OpenAIKey == "" {
			return openai.Client{}, ErrNoService
		}
		opts = append(opts, option.WithAPIKey(c.OpenAIKey))
		if c.BaseURL != "" {
			u, err := CheckURL(c.BaseURL)
			if err != nil {
				return openai.Client{}, err
			}
			opts = append(opts, option.WithBaseURL(u.String()))
		}
		return openai.NewClient(opts...), nil
	}
	u, err := CheckURL(c.Endpoint)
	if err != nil {
		return openai.Client{}, err
	}
	base := strings.TrimSuffix(u.String(), "/")
	if c.Kind() == AzureV1 {
		base = strings.TrimSuffix(base, "/openai/v1")
		opts = append(opts, option.WithBaseURL(base+"/openai/v1/"))
		if c.APIKey != "" {
			opts = append(opts, option.WithHeader("api-key", c.APIKey))
		} else {
			cred, err := c.tokenCredential()
			if err != nil {
				return openai.Client{}, err
			}
			// azure.WithTokenCredential needs azure.WithEndpoint (the dated
			// surface), so the v1 surface gets its bearer token here.
			opts = append(opts, option.WithMiddleware(bearerMiddleware(cred)))
		}
		return openai.NewClient(opts...), nil
	}
	opts = append(opts, azure.WithEndpoint(base, c.APIVersion))
	if c.APIKey != "" {
		opts = append(opts, azure.WithAPIKey(c.APIKey))
	} else {
		cred, err := c.tokenCredential()
		if err != nil {
			return openai.Client{}, err
		}
		opts = append(opts, azure.WithTokenCredential(cred, azure.WithTokenCredentialScopes([]string{CognitiveServicesScope})))
	}
	if u.Scheme == "http" {
		opts = append(opts, azure.WithUnsafeAllowHTTP())
	}
	return openai.NewClient(opts...), nil
}

// tokenCredential returns c.TokenCredential or a DefaultAzureCredential.
func (c Config) tokenCredential() (azcore.TokenCredential, error) {
	if c.TokenCredential != nil {
		return c.TokenCredential, nil
	}
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("Microsoft Entra ID: %w", err)
	}
	return cred, nil
}

// bearerMiddleware adds an Entra ID bearer token to each request, fetched from
// cred and reused until five minutes before it expires.
func bearerMiddleware(cred azcore.TokenCredential) option.Middleware {
	var (
		mu  sync.Mutex
		tok azcore.AccessToken
	)
	return func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		mu.Lock()
		if tok.Token == "" || time.Until(tok.ExpiresOn) < 5*time.Minute {
			t, err := cred.GetToken(req.Context(), policy.TokenRequestOptions{Scopes: []string{CognitiveServicesScope}})
			if err != nil {
				mu.Unlock()
				return nil, fmt.Errorf("Microsoft Entra ID: %w", err)
			}
			tok = t
		}
		token := tok.Token
		mu.Unlock()
		req.Header.Set("Authorization", "Bearer "+token)
		return next(req)
	}
}
