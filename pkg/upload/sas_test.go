package upload

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/ftprep/ftprep/pkg/azconn"
)

type stubCred struct {
	mu     sync.Mutex
	scopes []string
}

func (c *stubCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scopes = append(c.scopes, o.Scopes...)
	return azcore.AccessToken{Token: "entra-token-for-storage", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestUserDelegationSAS signs a read-only SAS with Microsoft Entra ID: ftprep asks
// the blob service for a user delegation key (with the identity's bearer token)
// and signs with it; the result names the key's object and tenant.
func TestUserDelegationSAS(t *testing.T) {
	var gotAuth, gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotQuery = r.Header.Get("Authorization"), r.URL.RawQuery
		if r.Method != http.MethodPost || r.URL.Query().Get("comp") != "userdelegationkey" {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?><UserDelegationKey>` +
			`<SignedOid>11111111-1111-1111-1111-111111111111</SignedOid><SignedTid>22222222-2222-2222-2222-222222222222</SignedTid>` +
			`<SignedStart>2026-01-01T00:00:00Z</SignedStart><SignedExpiry>2026-01-01T02:00:00Z</SignedExpiry>` +
			`<SignedService>b</SignedService><SignedVersion>2025-01-05</SignedVersion>` +
			`<Value>a2V5LWZvci10ZXN0cy1vbmx5LWtleS1mb3ItdGVzdHMtb25seQ==</Value></UserDelegationKey>`))
	}))
	defer srv.Close()
	cred := &stubCred{}
	o := ImportOptions{AccountURL: srv.URL + "/acct", Credential: cred, Container: "training", SASExpiry: 20 * time.Minute}
	st, err := newStore(o)
	if err != nil {
		t.Fatal(err)
	}
	if st.key != nil || !st.http {
		t.Fatalf("store = %+v, want Entra ID over loopback http", st)
	}
	blobURL := srv.URL + "/acct/training/train.jsonl"
	raw, err := st.readSAS(context.Background(), blobURL, o)
	if err != nil {
		t.Fatal(err)
	}
	if gotAuth != "Bearer entra-token-for-storage" || !strings.Contains(gotQuery, "restype=service") {
		t.Errorf("delegation key request: auth %q query %q", gotAuth, gotQuery)
	}
	if len(cred.scopes) == 0 || !strings.HasPrefix(cred.scopes[0], "https://storage.azure.com") {
		t.Errorf("token scopes = %v, want Storage", cred.scopes)
	}
	u, _ := url.Parse(raw)
	q := u.Query()
	if q.Get("sp") != "r" || q.Get("sr") != "b" || q.Get("skoid") != "11111111-1111-1111-1111-111111111111" || q.Get("sig") == "" {
		t.Errorf("user delegation SAS = %v", q)
	}
	if se, _ := time.Parse(time.RFC3339, q.Get("se")); time.Until(se) > 21*time.Minute || time.Until(se) < 19*time.Minute {
		t.Errorf("expiry %s, want about 20 minutes", q.Get("se"))
	}
	if red := azconn.Redact(raw); strings.Contains(red, q.Get("sig")) {
		t.Errorf("Redact left the signature: %s", red)
	}
}

func TestParseConnString(t *testing.T) {
	for _, tc := range []struct{ in, endpoint, name string }{
		{"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net", "https://acct.blob.core.windows.net", "acct"},
		{"AccountName=acct;AccountKey=a2V5", "https://acct.blob.core.windows.net", "acct"},
		{"AccountName=x;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/x;", "http://127.0.0.1:1/x", "x"},
	} {
		e, n, k, err := parseConnString(tc.in)
		if err != nil || e != tc.endpoint || n != tc.name || k != "a2V5" {
			t.Errorf("parseConnString(%q) = %q %q %q %v", tc.in, e, n, k, err)
		}
	}
	if _, _, _, err := parseConnString("BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sig=zzz"); err == nil || strings.Contains(err.Error(), "zzz") {
		t.Errorf("SAS connection string: %v", err)
	}
}
