package upload_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/testenv"
	"github.com/ftprep/ftprep/pkg/upload"
)

func TestImportThroughAzurite(t *testing.T) {
	az := testenv.Azurite(t)
	conn := testenv.AzuriteDevConnString(az.URL)
	accountKey := conn[strings.Index(conn, "AccountKey=")+len("AccountKey=") : strings.Index(conn, ";BlobEndpoint")]
	s, c, cfg := fake(t)
	path, content := chatFile(t, 40)
	var status bytes.Buffer
	o := upload.ImportOptions{Options: opts(&status), ConnectionString: conn, Container: "training", BlockSize: 1024, SASExpiry: 30 * time.Minute}
	ctx := context.Background()
	f, err := upload.Import(ctx, c, cfg, path, o)
	if err != nil {
		t.Fatal(err)
	}
	stored := s.Files()
	if len(stored) != 1 || !bytes.Equal(stored[0].Content, content) || f.Status != "processed" || f.ID != stored[0].ID {
		t.Fatalf("imported %+v; service holds %d files", f, len(stored))
	}
	// The SAS the service got: read-only, short-lived, for this blob only.
	u, err := url.Parse(stored[0].ContentURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("sp") != "r" || q.Get("sr") != "b" || q.Get("sig") == "" {
		t.Errorf("SAS query = %v, want sp=r sr=b and a signature", q)
	}
	if se, err := time.Parse(time.RFC3339, q.Get("se")); err != nil || time.Until(se) > 31*time.Minute || time.Until(se) < 29*time.Minute {
		t.Errorf("SAS expiry = %q, want about 30 minutes from now", q.Get("se"))
	}
	if !strings.HasSuffix(u.Path, "/training/"+f.Filename) || f.Blob != az.URL+"/devstoreaccount1/training/"+f.Filename {
		t.Errorf("blob = %s (SAS path %s)", f.Blob, u.Path)
	}
	// Azurite checks the signature: a tampered one is refused.
	q.Set("sig", "AAAA"+q.Get("sig")[4:])
	u.RawQuery = q.Encode()
	if res, err := http.Get(u.String()); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("tampered SAS: %v %v, want 403", res.StatusCode, err)
	}
	sig := url.Values(u.Query()).Get("sig")[4:]
	for _, secret := range []string{sig, accountKey} {
		if strings.Contains(status.String(), secret) {
			t.Errorf("status output holds a secret:\n%s", status.String())
		}
	}

	// Again with --force: the service gets a new import, the blob is not sent again.
	o.Force = true
	status.Reset()
	f2, err := upload.Import(ctx, c, cfg, path, o)
	if err != nil {
		t.Fatal(err)
	}
	if f2.ID == f.ID || !strings.Contains(status.String(), "identical blob already in the container") {
		t.Errorf("second import %+v; status:\n%s", f2, status.String())
	}
	// Without --force: the service's identical file is reused, nothing imported.
	o.Force = false
	f3, err := upload.Import(ctx, c, cfg, path, o)
	if err != nil || !f3.Reused || s.Count("POST", "/files/import") != 2 {
		t.Errorf("third import %+v %v", f3, err)
	}
	t.Run("errors hide the SAS", func(t *testing.T) { importErrorsHideTheSAS(t, az) })
	t.Run("bad container name", func(t *testing.T) {
		o.Container, o.Force = "Bad_Name", true
		if _, err := upload.Import(ctx, c, cfg, path, o); err == nil || !strings.Contains(err.Error(), "container name") {
			t.Errorf("err = %v", err)
		}
	})
}

// importErrorsHideTheSAS runs on the Azurite of TestImportThroughAzurite (one start is slow enough).
func importErrorsHideTheSAS(t *testing.T, az *testenv.Server) {
	s, c, cfg := fake(t)
	s.Fail(importFault())
	path, _ := chatFile(t, 5)
	o := upload.ImportOptions{Options: opts(nil), ConnectionString: testenv.AzuriteDevConnString(az.URL), Container: "refused"}
	_, err := upload.Import(context.Background(), c, cfg, path, o)
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "SECRETSIG123") || !strings.Contains(err.Error(), "sig=REDACTED") {
		t.Errorf("error shows the SAS signature: %v", err)
	}
	if !strings.Contains(err.Error(), "HTTP 400") {
		t.Errorf("err = %v", err)
	}
}

func TestImportNeedsAzure(t *testing.T) {
	path, _ := chatFile(t, 2)
	for _, cfg := range []azconn.Config{{OpenAIKey: "x"}, {Endpoint: "https://r.openai.azure.com", APIKey: "k", APIVersion: "v1"}} {
		_, err := upload.Import(context.Background(), openaiClient(t, cfg), cfg, path, upload.ImportOptions{Container: "ccc", ConnectionString: "x"})
		if err == nil || !strings.Contains(err.Error(), "dated --api-version") {
			t.Errorf("%s: err = %v", cfg.Kind(), err)
		}
	}
	_, c, cfg := fake(t)
	_, err := upload.Import(context.Background(), c, cfg, path, upload.ImportOptions{Container: "ccc", ConnectionString: "AccountName=a;SharedAccessSignature=sv=1&sig=abc"})
	if err == nil || !strings.Contains(err.Error(), "AccountKey") || strings.Contains(err.Error(), "abc") {
		t.Errorf("SAS connection string: err = %v", err)
	}
	var ie *upload.InvalidError
	if errors.As(err, &ie) {
		t.Error("unexpected InvalidError")
	}
}
