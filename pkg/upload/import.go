package upload

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/openai/openai-go/v3"
)

// shaMetadata is the blob metadata key holding the file's SHA-256, so an
// identical blob is not uploaded again.
const shaMetadata = "ftprep_sha256"

// ImportOptions configure one import from Azure Blob Storage.
type ImportOptions struct {
	Options // validation, idempotency, waiting, status and progress, as for Upload

	// ConnectionString is a storage connection string with an account key
	// (signs a service SAS). Either it or AccountURL is needed.
	ConnectionString string
	// AccountURL is the blob service URL (https://ACCOUNT.blob.core.windows.net)
	// used with Microsoft Entra ID (signs a user delegation SAS).
	AccountURL string
	// Credential is the Entra ID credential for AccountURL (nil = DefaultAzureCredential).
	Credential azcore.TokenCredential
	Container  string        // container name (created when missing)
	BlobName   string        // blob name ("" = the remote file name, with the SHA-256 prefix)
	SASExpiry  time.Duration // lifetime of the read-only SAS (0 = 1 hour)
	BlockSize  int64         // block size (0 = 8 MiB)
}

// Import validates path, uploads it to Blob Storage as a block blob (skipped when
// an identical blob is there), gives the service a short-lived read-only SAS URL
// through POST /openai/files/import, and waits until the file is processed.
// The SAS signature appears in no output or error.
func Import(ctx context.Context, client openai.Client, cfg azconn.Config, path string, o ImportOptions) (File, error) {
	if cfg.Kind() != azconn.AzureDeployments {
		return File{}, fmt.Errorf("import needs an Azure OpenAI endpoint with a dated --api-version (e.g. %s): /openai/files/import is not on the %s surface", azconn.DefaultAPIVersion, cfg.Kind())
	}
	if o.Container == "" {
		return File{}, errors.New("import: a container name is needed (--container)")
	}
	if !validContainer(o.Container) {
		return File{}, fmt.Errorf("import: invalid container name %q: 3 to 63 lowercase letters, digits and single hyphens, starting with a letter or digit", o.Container)
	}
	if o.ConnectionString == "" && o.AccountURL == "" {
		return File{}, errors.New("import: a storage account is needed: --connection-string (AZURE_STORAGE_CONNECTION_STRING) or --account-url with Microsoft Entra ID")
	}
	f, out, md5sum, err := prepare(ctx, path, 0, "import", o.Options)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	if r, ok, err := reuse(ctx, client, cfg, path, "import", out, o.Options); ok || err != nil {
		return r, err
	}

	st2, err := newStore(o)
	if err != nil {
		return File{}, err
	}
	name := o.BlobName
	if name == "" {
		name = out.Filename
	}
	bb := st2.client.ServiceClient().NewContainerClient(o.Container).NewBlockBlobClient(name)
	out.Blob = bb.URL()
	if err := st2.ensure(ctx, bb, f, out, md5sum, o); err != nil {
		return File{}, fmt.Errorf("blob %s: %s", out.Blob, storageError(err, st2))
	}
	sasURL, err := st2.readSAS(ctx, bb.URL(), o)
	if err != nil {
		return File{}, fmt.Errorf("read-only SAS for %s: %s", out.Blob, storageError(err, st2))
	}
	o.status("%s: asking the service to import %s", path, out.Blob)
	obj, err := importFile(ctx, client, out.Filename, sasURL)
	if err != nil {
		return File{}, cfg.Explain("import "+out.Blob, err)
	}
	out.ID, out.Status = obj.ID, string(obj.Status)
	o.status("%s: imported as %s (%s)", path, out.ID, out.Status)
	if o.NoWait {
		return out, nil
	}
	return wait(ctx, client, cfg, out, o.Options)
}

// importFile calls Azure's POST /openai/files/import (a route the SDK lacks)
// through the client's generic request method.
func importFile(ctx context.Context, client openai.Client, filename, contentURL string) (*openai.FileObject, error) {
	var obj openai.FileObject
	body := map[string]any{"purpose": "fine-tune", "filename": filename, "content_url": contentURL}
	if err := client.Post(ctx, "files/import", body, &obj); err != nil {
		return nil, err
	}
	return &obj, nil
}

// store is a Blob Storage account with what it takes to sign a SAS.
type store struct {
	client *azblob.Client
	key    *azblob.SharedKeyCredential // account key (service SAS), or nil for Entra ID
	http   bool                        // plain-http endpoint (emulator on loopback)
}

func newStore(o ImportOptions) (*store, error) {
	if o.ConnectionString != "" {
		endpoint, name, key, err := parseConnString(o.ConnectionString)
		if err != nil {
			return nil, err
		}
		u, err := azconn.CheckURL(endpoint)
		if err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
		cred, err := azblob.NewSharedKeyCredential(name, key)
		if err != nil {
			return nil, errors.New("storage: the connection string's AccountKey is not valid base64")
		}
		c, err := azblob.NewClientWithSharedKeyCredential(endpoint, cred, nil)
		if err != nil {
			return nil, fmt.Errorf("storage: %s", azconn.Redact(err.Error(), key))
		}
		return &store{client: c, key: cred, http: u.Scheme == "http"}, nil
	}
	u, err := azconn.CheckURL(o.AccountURL)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	cred := o.Credential
	if cred == nil {
		cred, err = azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("storage: Microsoft Entra ID: %w", err)
		}
	}
	var opts *azblob.ClientOptions
	if u.Scheme == "http" {
		opts = &azblob.ClientOptions{}
		opts.InsecureAllowCredentialWithHTTP = true
	}
	c, err := azblob.NewClient(o.AccountURL, cred, opts)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	return &store{client: c, http: u.Scheme == "http"}, nil
}

// parseConnString reads the blob endpoint, account name and key of a storage connection string.
func parseConnString(s string) (endpoint, name, key string, err error) {
	kv := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			kv[strings.ToLower(k)] = v
		}
	}
	name, key = kv["accountname"], kv["accountkey"]
	if name == "" || key == "" {
		return "", "", "", errors.New("storage: the connection string needs AccountName and AccountKey (a SAS connection string cannot sign the read-only URL the service needs); or use --account-url with Microsoft Entra ID")
	}
	endpoint = kv["blobendpoint"]
	if endpoint == "" {
		proto, suffix := kv["defaultendpointsprotocol"], kv["endpointsuffix"]
		if proto == "" {
			proto = "https"
		}
		if suffix == "" {
			suffix = "core.windows.net"
		}
		endpoint = fmt.Sprintf("%s://%s.blob.%s", proto, name, suffix)
	}
	return endpoint, name, key, nil
}

// ensure uploads the file as a block blob unless a blob with the same SHA-256 is there.
func (s *store) ensure(ctx context.Context, bb *blockblob.Client, f *os.File, out File, md5sum string, o ImportOptions) error {
	props, err := bb.GetProperties(ctx, nil)
	switch {
	case err == nil:
		for k, v := range props.Metadata {
			if strings.EqualFold(k, shaMetadata) && v != nil && *v == out.SHA256 && props.ContentLength != nil && *props.ContentLength == out.Bytes {
				o.status("%s: identical blob already in the container; not uploaded again", out.Blob)
				return nil
			}
		}
	case bloberror.HasCode(err, bloberror.ContainerNotFound):
		if _, err := s.client.CreateContainer(ctx, o.Container, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
			return err
		}
	case bloberror.HasCode(err, bloberror.BlobNotFound):
	default:
		var re *azcore.ResponseError
		if errors.As(err, &re) && re.StatusCode == 404 {
			// HEAD answers carry no error code: the blob or the container is missing.
			if _, err := s.client.CreateContainer(ctx, o.Container, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
				return err
			}
			break
		}
		return err
	}
	sum, _ := hex.DecodeString(md5sum)
	o.status("%s: uploading %s to %s", f.Name(), human(out.Bytes), out.Blob)
	var progress func(int64)
	if o.Progress != nil {
		progress = func(n int64) { o.Progress(n, out.Bytes) }
	}
	_, err = bb.UploadFile(ctx, f, &blockblob.UploadFileOptions{
		BlockSize:   cmpOr(o.BlockSize, 8<<20),
		Concurrency: uint16(cmpOr(o.Concurrency, 4)),
		Progress:    progress,
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr(ContentType), BlobContentMD5: sum},
		Metadata:    map[string]*string{shaMetadata: to.Ptr(out.SHA256)},
	})
	return err
}

// readSAS returns blobURL with a read-only SAS valid from five minutes ago
// (clock skew) for o.SASExpiry: a service SAS with the account key, else a
// user delegation SAS with Entra ID.
func (s *store) readSAS(ctx context.Context, blobURL string, o ImportOptions) (string, error) {
	parts, err := azblob.ParseURL(blobURL)
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	start, expiry := now.Add(-5*time.Minute), now.Add(cmpOr(o.SASExpiry, time.Hour))
	v := sas.BlobSignatureValues{
		Protocol:      sas.ProtocolHTTPS,
		StartTime:     start,
		ExpiryTime:    expiry,
		Permissions:   (&sas.BlobPermissions{Read: true}).String(),
		ContainerName: parts.ContainerName,
		BlobName:      parts.BlobName,
	}
	if s.http {
		v.Protocol = sas.ProtocolHTTPSandHTTP // emulator on loopback only (CheckURL)
	}
	var qp sas.QueryParameters
	if s.key != nil {
		qp, err = v.SignWithSharedKey(s.key)
	} else {
		var udc *service.UserDelegationCredential
		udc, err = s.client.ServiceClient().GetUserDelegationCredential(ctx, service.KeyInfo{
			Start: to.Ptr(start.Format(sas.TimeFormat)), Expiry: to.Ptr(expiry.Format(sas.TimeFormat)),
		}, nil)
		if err != nil {
			return "", fmt.Errorf("user delegation key (needs the role 'Storage Blob Data Contributor' or 'Storage Blob Delegator'): %w", err)
		}
		qp, err = v.SignWithUserDelegation(udc)
	}
	if err != nil {
		return "", err
	}
	u, err := url.Parse(blobURL)
	if err != nil {
		return "", err
	}
	u.RawQuery = qp.Encode()
	return u.String(), nil
}

// validContainer checks Blob Storage's container naming rules.
func validContainer(n string) bool {
	if len(n) < 3 || len(n) > 63 || n[0] == '-' || n[len(n)-1] == '-' || strings.Contains(n, "--") {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// storageError explains a Blob Storage failure in one or two lines, without secrets.
func storageError(err error, s *store) string {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return azconn.Redact(err.Error())
	}
	msg := fmt.Sprintf("HTTP %d", re.StatusCode)
	if re.ErrorCode != "" {
		msg += " " + re.ErrorCode
	}
	switch {
	case re.StatusCode == 403 && s.key != nil:
		msg += "\n  check the connection string's account key, and the account's network rules"
	case re.StatusCode == 403:
		msg += "\n  the signed-in identity needs the role 'Storage Blob Data Contributor' on the storage account (az login; az role assignment create)"
	case re.StatusCode == 404:
		msg += "\n  check the storage account URL and container"
	}
	return msg
}
