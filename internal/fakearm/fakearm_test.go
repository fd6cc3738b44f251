package fakearm

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRefusals(t *testing.T) {
	s, url := Start(t)
	s.Token = "good"
	dep := url + "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a/deployments/d1"
	for _, tc := range []struct {
		method, url, auth string
		status            int
		code              string
	}{
		{"GET", dep + "?api-version=1", "", 401, "AuthenticationFailed"},
		{"GET", dep + "?api-version=1", "Bearer bad", 401, "AuthenticationFailed"},
		{"GET", dep, "Bearer good", 400, "MissingApiVersionParameter"},
		{"GET", dep + "?api-version=1", "Bearer good", 404, "DeploymentNotFound"},
		{"GET", url + "/subscriptions/s/other?api-version=1", "Bearer good", 404, "InvalidResourceType"},
		{"PUT", dep + "?api-version=1", "Bearer good", 400, "InvalidRequestContent"},
		{"DELETE", dep + "?api-version=1", "Bearer good", 204, ""},
	} {
		req, _ := http.NewRequest(tc.method, tc.url, strings.NewReader(`{}`))
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.code) {
			t.Errorf("%s %s (%q): %d %s, want %d %s", tc.method, tc.url, tc.auth, resp.StatusCode, b, tc.status, tc.code)
		}
	}
	if n := len(s.Requests()); n != 7 {
		t.Errorf("recorded %d requests, want 7", n)
	}
}
