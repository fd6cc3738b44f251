package azconn

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/openai/openai-go/v3"
)

// ServiceError is a failed service call explained for a person: what the
// service said, and what to check. It never holds a secret.
type ServiceError struct {
	Op      string // what was attempted, e.g. "upload train.jsonl"
	Status  int    // HTTP status (0 = no answer)
	Code    string // the service's error code
	Message string // the service's message (secrets redacted)
	Hint    string // what to check
	Err     error  // the underlying error
}

// Error renders the status, the service's message and the hint on a second line.
func (e *ServiceError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Code != "" && e.Code != fmt.Sprint(e.Status) {
			fmt.Fprintf(&b, " %s", e.Code)
		}
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	} else if e.Err != nil {
		b.WriteString(Redact(e.Err.Error()))
	}
	if e.Hint != "" {
		b.WriteString("\n  " + e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying error (an *openai.Error or a transport error).
func (e *ServiceError) Unwrap() error { return e.Err }

// Explain turns an error from a service call into a ServiceError that names the
// credential used and what to check: the role for 401/403, the endpoint and
// api-version for 404, the rate limit for 429. Context errors and nil pass through.
func (c Config) Explain(op string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	se := &ServiceError{Op: op, Err: err}
	var ae *openai.Error
	if !errors.As(err, &ae) {
		var ue *url.Error
		if errors.As(err, &ue) {
			se.Hint = fmt.Sprintf("the service at %s did not answer (after retries); check the endpoint and your network", c.host())
		}
		return se
	}
	se.Status, se.Code, se.Message = ae.StatusCode, ae.Code, Redact(ae.Message, c.APIKey, c.OpenAIKey)
	switch {
	case ae.StatusCode == 401:
		se.Hint = "authentication failed with " + c.Credential() + "; " + c.authAdvice()
	case ae.StatusCode == 403:
		se.Hint = "the request was refused for " + c.Credential() + "; " + c.roleAdvice()
	case ae.StatusCode == 404:
		se.Hint = c.notFoundAdvice()
	case ae.StatusCode == 429:
		se.Hint = "rate limited: ftprep waited as the service asked (Retry-After) and retried; try again later, or raise the resource's quota"
	case ae.StatusCode >= 500:
		se.Hint = "the service failed (after retries); try again later"
	}
	return se
}

func (c Config) host() string {
	raw := c.Endpoint
	if c.Kind() == OpenAI {
		raw = c.BaseURL
		if raw == "" {
			return "api.openai.com"
		}
	}
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

func (c Config) authAdvice() string {
	switch {
	case c.Kind() == OpenAI:
		return "check OPENAI_API_KEY (platform.openai.com → API keys)"
	case c.APIKey != "":
		return fmt.Sprintf("check that the key belongs to the resource %s (portal → Keys and Endpoint), or omit it to sign in with Microsoft Entra ID (az login)", c.host())
	default:
		return "sign in (az login) or set AZURE_OPENAI_API_KEY; the identity " + c.roleAdvice()
	}
}

func (c Config) roleAdvice() string {
	if c.Kind() == OpenAI {
		return "the key's project needs access to files and fine-tuning"
	}
	if c.APIKey != "" {
		return fmt.Sprintf("the resource %s may restrict network access (firewall, private endpoint) or disable key authentication", c.host())
	}
	return fmt.Sprintf("needs the role 'Cognitive Services OpenAI Contributor' on the resource %s (az role assignment create --role \"Cognitive Services OpenAI Contributor\" --assignee YOU --scope RESOURCE_ID)", c.host())
}

func (c Config) notFoundAdvice() string {
	switch c.Kind() {
	case OpenAI:
		return "not found: check the id, and --base-url if set"
	case AzureV1:
		return fmt.Sprintf("not found: check the id, that --endpoint %s is the resource's endpoint (https://RES.openai.azure.com, no path), and that the resource supports the v1 surface", c.host())
	default:
		return fmt.Sprintf("not found: check the id, that --endpoint %s is the resource's endpoint (https://RES.openai.azure.com, no path), and that --api-version %s is supported in its region (try %s or v1)", c.host(), c.APIVersion, DefaultAPIVersion)
	}
}

var sigRE = regexp.MustCompile(`(?i)((?:^|[?&;\s"'])(?:sig|signature|skoid|sktid)=)[^&\s"';]+`)

// Redact removes secrets from s: SAS signatures (sig=...) and any of the given
// secret values (keys, tokens).
func Redact(s string, secrets ...string) string {
	s = sigRE.ReplaceAllString(s, "${1}REDACTED")
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "REDACTED")
		}
	}
	return s
}
