package azconn_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/ftprep/ftprep/internal/fakeaoai"
	"github.com/ftprep/ftprep/pkg/azconn"
)

// stubCred is an Entra ID credential handing out a fixed token and recording the scopes asked for.
type stubCred struct {
	token  string
	scopes []string
}

func (c *stubCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.scopes = append(c.scopes, o.Scopes...)
	return azcore.AccessToken{Token: c.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

const secretKey = "sekret-key-0123456789"

func TestExplain(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(s *fakeaoai.Server)
		cfg   func(url string) azconn.Config
		want  []string
	}{
		{"401 key", func(s *fakeaoai.Server) { s.APIKey = "right-key-000" },
			func(u string) azconn.Config { return azconn.Config{Endpoint: u, APIKey: secretKey} },
			[]string{"HTTP 401", "Azure API key (--api-key / AZURE_OPENAI_API_KEY)", "Keys and Endpoint"}},
		{"401 entra", func(s *fakeaoai.Server) { s.Token = "other" },
			func(u string) azconn.Config {
				return azconn.Config{Endpoint: u, TokenCredential: &stubCred{token: secretKey}}
			},
			[]string{"HTTP 401", "Microsoft Entra ID", "Cognitive Services OpenAI Contributor"}},
		{"403 entra", func(s *fakeaoai.Server) { s.Forbidden = true },
			func(u string) azconn.Config {
				return azconn.Config{Endpoint: u, TokenCredential: &stubCred{token: secretKey}}
			},
			[]string{"HTTP 403 PermissionDenied", "az role assignment create", "Cognitive Services OpenAI Contributor"}},
		{"404 api-version", func(s *fakeaoai.Server) { s.APIVersions = []string{"2025-04-01-preview"} },
			func(u string) azconn.Config {
				return azconn.Config{Endpoint: u, APIKey: secretKey, APIVersion: "2020-01-01"}
			},
			[]string{"HTTP 404", "--api-version 2020-01-01", "--endpoint 127.0.0.1"}},
		{"429", func(s *fakeaoai.Server) { s.Fail(fakeaoai.Fault{Status: 429, RetryAfter: "0", Times: 10}) },
			func(u string) azconn.Config { return azconn.Config{Endpoint: u, APIKey: secretKey, MaxRetries: 2} },
			[]string{"HTTP 429", "Retry-After"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fakeaoai.New(t)
			tt.setup(s)
			cfg := tt.cfg(s.URL).FromEnv()
			if cfg.MaxRetries == 0 {
				cfg.MaxRetries = -1
			}
			c, err := azconn.NewClient(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Files.Get(ctx, "file-x")
			err = cfg.Explain("show file-x", err)
			var se *azconn.ServiceError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a ServiceError", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, secretKey) {
				t.Errorf("error leaks the secret: %q", msg)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	s := fakeaoai.New(t)
	s.AddFile(fakeaoai.StoredFile{ID: "file-1", Filename: "a.jsonl"})
	s.Fail(fakeaoai.Fault{Method: "GET", Status: 429, RetryAfter: "1"})
	c, _ := azconn.NewClient(azconn.Config{Endpoint: s.URL, APIKey: "k", APIVersion: azconn.DefaultAPIVersion})
	start := time.Now()
	if _, err := c.Files.Get(context.Background(), "file-1"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v, want ≥ 1 s (Retry-After: 1)", d)
	}
	if n := s.Count("GET", "/files/file-1"); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

func TestEntraToken(t *testing.T) {
	for _, v := range []string{azconn.DefaultAPIVersion, "v1"} {
		s := fakeaoai.New(t)
		s.Token = "entra-token"
		s.AddFile(fakeaoai.StoredFile{ID: "file-1", Filename: "a.jsonl"})
		cred := &stubCred{token: "entra-token"}
		c, err := azconn.NewClient(azconn.Config{Endpoint: s.URL, APIVersion: v, TokenCredential: cred})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Files.Get(context.Background(), "file-1"); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if len(cred.scopes) == 0 || cred.scopes[0] != azconn.CognitiveServicesScope {
			t.Errorf("%s: scopes = %v", v, cred.scopes)
		}
		if r := s.Requests(); r[0].Auth != "bearer" {
			t.Errorf("%s: auth = %q, want bearer", v, r[0].Auth)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://res.openai.azure.com": true, "http://127.0.0.1:1234": true, "http://localhost:1": true,
		"http://[::1]:8": true, "http://res.openai.azure.com": false, "ftp://x": false, "res.openai.azure.com": false,
	} {
		if _, err := azconn.CheckURL(raw); (err == nil) != ok {
			t.Errorf("CheckURL(%q) err = %v, want ok=%v", raw, err, ok)
		}
	}
}

func TestRedact(t *testing.T) {
	in := `GET https://a.blob.core.windows.net/c/b?sv=2024&sp=r&sig=abc%2Bdef%3D&se=2026 key=` + secretKey
	got := azconn.Redact(in, secretKey)
	if strings.Contains(got, "abc%2Bdef") || strings.Contains(got, secretKey) {
		t.Errorf("Redact left a secret: %s", got)
	}
	if !strings.Contains(got, "sig=REDACTED&se=2026") || !strings.Contains(got, "sp=r") {
		t.Errorf("Redact = %s", got)
	}
}
