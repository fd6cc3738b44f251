package testenv

import (
	"net/http"
	"strings"
	"testing"
)

func TestPrismServesAzureAuthoringSpec(t *testing.T) {
	s := Prism(t, PrismSpec(t, "azure-openai-dataplane/authoring/azureopenai-2025-04-01-preview.json"))
	req, _ := http.NewRequest("GET", s.URL+"/openai/fine_tuning/jobs?api-version=2025-04-01-preview", nil)
	req.Header.Set("api-key", "x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d\n%s", resp.StatusCode, s.Log())
	}
	// Without api-version the spec's required query parameter is missing: Prism refuses it.
	req, _ = http.NewRequest("GET", s.URL+"/openai/fine_tuning/jobs", nil)
	req.Header.Set("api-key", "x")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Fatalf("missing api-version accepted: %d", resp.StatusCode)
	}
}

func TestAzuriteStarts(t *testing.T) {
	s := Azurite(t)
	resp, err := http.Get(s.URL + "/devstoreaccount1?comp=list")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || resp.StatusCode == 0 {
		t.Fatalf("bad server %v %d", s, resp.StatusCode)
	}
}
