// Package fakeaoai is a stateful, in-process fake of the Azure OpenAI data plane
// for lifecycle tests: what Prism (a stateless contract check) cannot do.
// Files move from pending to processed (or error with details), the Uploads API
// assembles parts, /openai/files/import really downloads its content_url, and
// faults (500, 429 with Retry-After, a dropped connection) can be injected.
//
// One Server answers on every surface at once: /openai/...?api-version=X (Azure),
// /openai/v1/... (Azure v1) and /v1/... (OpenAI platform). Other files of this
// package (e.g. jobs.go) add routes with Server.Route on the same server.
package fakeaoai

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running fake. Configure its exported fields before the first request.
type Server struct {
	// Mux holds the routes, registered without a prefix by Route.
	Mux *http.ServeMux
	// URL is the server's base URL: use it as the Azure endpoint, or URL+"/v1" as
	// the OpenAI base URL.
	URL string

	// APIKey, when set, is the only accepted key (api-key header or Bearer).
	APIKey string
	// Token, when set, is an accepted Entra ID bearer token.
	Token string
	// Forbidden makes every authenticated request fail with 403 (a missing role).
	Forbidden bool
	// APIVersions, when set, are the api-version values /openai/ routes accept;
	// others get 404 like Azure. A missing api-version is always a 400.
	APIVersions []string
	// ProcessAfter is how many GETs of a file it takes to be processed (0 = 1).
	ProcessAfter int
	// FailProcessing, when set, decides the processing outcome of a file: a
	// non-empty result puts the file in status error with those details.
	FailProcessing func(filename string, content []byte) string

	srv *httptest.Server

	mu       sync.Mutex // guards everything below and the state of jobs.go
	nextID   int
	files    map[string]*StoredFile
	order    []string
	uploads  map[string]*upload
	parts    map[string][]byte
	faults   []*Fault
	requests []Request
	// Ext is free state for routes added in other files (guarded by Lock/Unlock).
	Ext map[string]any
}

// StoredFile is a file held by the fake.
type StoredFile struct {
	ID            string
	Filename      string
	Purpose       string
	Content       []byte
	CreatedAt     int64
	Status        string // pending, running, processed, error
	StatusDetails string
	Polls         int    // GETs so far
	ContentURL    string // for imports: the URL the content came from
	ContentType   string // content type of the uploaded form part
	ExpiresAfter  string // the expires_after[seconds] form field, as sent
}

type upload struct {
	id, filename, purpose, mime string
	bytes                       int64
	status                      string
	createdAt                   int64
	fileID                      string
}

// Request is one request as the fake saw it (secret headers are not kept).
type Request struct {
	Method string
	Path   string // without the surface prefix (/openai, /openai/v1, /v1)
	Raw    string // the full path with query
	Auth   string // "api-key", "bearer" or ""
}

// Fault is an injected failure: the next Times requests matching Method and Path
// answer Status (with Retry-After when set) or, with Drop, lose the connection.
type Fault struct {
	Method     string // "" = any
	Path       string // matched as a suffix of the prefix-free path ("" = any)
	Times      int    // 0 = 1
	Status     int
	RetryAfter string // Retry-After header value
	Drop       bool   // close the connection without an answer
	Body       string // response body (default: an Azure error object)
}

// New starts a fake on 127.0.0.1, stopped when the test ends.
func New(t testing.TB) *Server {
	s := &Server{
		Mux:     http.NewServeMux(),
		files:   map[string]*StoredFile{},
		uploads: map[string]*upload{},
		parts:   map[string][]byte{},
		Ext:     map[string]any{},
	}
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Lock and Unlock guard the fake's state for routes added in other files.
func (s *Server) Lock() { s.mu.Lock() }

// Unlock releases Lock.
func (s *Server) Unlock() { s.mu.Unlock() }

// Route registers h for method and path (e.g. "GET", "/files/{id}") on every surface.
func (s *Server) Route(method, path string, h http.HandlerFunc) {
	for _, p := range []string{"/openai", "/openai/v1", "/v1"} {
		s.Mux.HandleFunc(method+" "+p+path, h)
	}
}

// NewID returns a fresh id with prefix (e.g. "file-"); call with the lock held.
func (s *Server) NewID(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s%04d", prefix, s.nextID)
}

// Fail queues a fault.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Requests returns the requests seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests had method and a prefix-free path ending in suffix.
func (s *Server) Count(method, suffix string) int {
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// Files returns copies of the stored files in creation order.
func (s *Server) Files() []StoredFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []StoredFile
	for _, id := range s.order {
		if f, ok := s.files[id]; ok {
			out = append(out, *f)
		}
	}
	return out
}

// AddFile stores a file directly (status processed unless set) and returns its id.
func (s *Server) AddFile(f StoredFile) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFile(f)
}

func (s *Server) addFile(f StoredFile) string {
	if f.ID == "" {
		f.ID = s.NewID("file-")
	}
	if f.Status == "" {
		f.Status = "processed"
	}
	if f.Purpose == "" {
		f.Purpose = "fine-tune"
	}
	if f.CreatedAt == 0 {
		f.CreatedAt = time.Now().Unix()
	}
	s.files[f.ID] = &f
	s.order = append(s.order, f.ID)
	return f.ID
}

// surface splits the path into the surface prefix and the rest.
func surface(p string) (prefix, rest string) {
	for _, pre := range []string{"/openai/v1", "/openai", "/v1"} {
		if strings.HasPrefix(p, pre+"/") {
			return pre, strings.TrimPrefix(p, pre)
		}
	}
	return "", p
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	prefix, rest := surface(r.URL.Path)
	auth := ""
	key := r.Header.Get("api-key")
	bearer, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch {
	case key != "":
		auth = "api-key"
	case hasBearer:
		auth = "bearer"
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: rest, Raw: r.URL.RequestURI(), Auth: auth})
	var fault *Fault
	for _, f := range s.faults {
		if f.Times > 0 && (f.Method == "" || f.Method == r.Method) && strings.HasSuffix(rest, f.Path) {
			f.Times--
			fault = f
			break
		}
	}
	s.mu.Unlock()

	ok := auth != ""
	if s.APIKey != "" || s.Token != "" {
		ok = (s.APIKey != "" && (key == s.APIKey || (hasBearer && bearer == s.APIKey))) ||
			(s.Token != "" && hasBearer && bearer == s.Token)
	}
	if !ok {
		WriteError(w, http.StatusUnauthorized, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.")
		return
	}
	if s.Forbidden {
		WriteError(w, http.StatusForbidden, "PermissionDenied", "The principal lacks the required data action Microsoft.CognitiveServices/accounts/OpenAI/files/write to perform this operation.")
		return
	}
	if prefix == "/openai" {
		v := r.URL.Query().Get("api-version")
		if v == "" {
			WriteError(w, http.StatusBadRequest, "BadRequest", "Missing required query parameter: api-version")
			return
		}
		if len(s.APIVersions) > 0 && !slices.Contains(s.APIVersions, v) {
			WriteError(w, http.StatusNotFound, "404", "Resource not found")
			return
		}
	}
	if fault != nil {
		if fault.Drop {
			// Read a little of the body first so the client is mid-transfer.
			_, _ = io.CopyN(io.Discard, r.Body, 1024)
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					if tc, ok := c.(*net.TCPConn); ok {
						_ = tc.SetLinger(0)
					}
					_ = c.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		if fault.Body != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(fault.Status)
			_, _ = io.WriteString(w, fault.Body)
			return
		}
		WriteError(w, fault.Status, fmt.Sprint(fault.Status), http.StatusText(fault.Status))
		return
	}
	s.Mux.ServeHTTP(w, r)
}

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError answers with an Azure-style error object.
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	WriteJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

// ReadJSON decodes the request body into v, answering 400 and returning false on failure.
func ReadJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		WriteError(w, http.StatusBadRequest, "BadRequest", "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) routes() {
	s.Route("POST", "/files", s.createFile)
	s.Route("GET", "/files", s.listFiles)
	s.Route("GET", "/files/{id}", s.getFile)
	s.Route("DELETE", "/files/{id}", s.deleteFile)
	s.Route("GET", "/files/{id}/content", s.fileContent)
	s.Route("POST", "/files/import", s.importFile)
	s.Route("POST", "/uploads", s.createUpload)
	s.Route("POST", "/uploads/{id}/parts", s.addPart)
	s.Route("POST", "/uploads/{id}/complete", s.completeUpload)
	s.Route("POST", "/uploads/{id}/cancel", s.cancelUpload)
}

// fileJSON renders f as the service does.
func fileJSON(f *StoredFile) map[string]any {
	m := map[string]any{
		"id": f.ID, "object": "file", "bytes": len(f.Content), "created_at": f.CreatedAt,
		"filename": f.Filename, "purpose": f.Purpose, "status": f.Status,
	}
	if f.StatusDetails != "" {
		m["status_details"] = f.StatusDetails
	}
	return m
}

func (s *Server) createFile(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		WriteError(w, http.StatusBadRequest, "BadRequest", "invalid multipart form: "+err.Error())
		return
	}
	purpose := r.FormValue("purpose")
	file, hdr, err := r.FormFile("file")
	if err != nil || purpose == "" {
		WriteError(w, http.StatusBadRequest, "BadRequest", "file and purpose are required")
		return
	}
	ct := hdr.Header.Get("Content-Type")
	if ct == "" {
		WriteError(w, http.StatusBadRequest, "invalidPayload", "The file has no content type.")
		return
	}
	body, err := io.ReadAll(file)
	if err != nil {
		WriteError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	s.mu.Lock()
	f := &StoredFile{Filename: hdr.Filename, Purpose: purpose, Content: body, Status: "pending", ContentType: ct,
		ExpiresAfter: r.FormValue("expires_after[seconds]")}
	id := s.addFile(*f)
	out := fileJSON(s.files[id])
	s.mu.Unlock()
	WriteJSON(w, http.StatusCreated, out)
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	purpose := r.URL.Query().Get("purpose")
	s.mu.Lock()
	data := []map[string]any{}
	for _, id := range s.order {
		f, ok := s.files[id]
		if ok && (purpose == "" || f.Purpose == purpose) {
			data = append(data, fileJSON(f))
		}
	}
	s.mu.Unlock()
	WriteJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "has_more": false})
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[r.PathValue("id")]
	if !ok {
		WriteError(w, http.StatusNotFound, "NotFound", "File with id '"+r.PathValue("id")+"' not found.")
		return
	}
	if f.Status == "pending" || f.Status == "running" {
		f.Polls++
		after := max(s.ProcessAfter, 1)
		switch {
		case f.Polls >= after:
			f.Status = "processed"
			if s.FailProcessing != nil {
				if d := s.FailProcessing(f.Filename, f.Content); d != "" {
					f.Status, f.StatusDetails = "error", d
				}
			}
		default:
			f.Status = "running"
		}
	}
	WriteJSON(w, http.StatusOK, fileJSON(f))
}

func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.files[id]
	delete(s.files, id)
	s.mu.Unlock()
	if !ok {
		WriteError(w, http.StatusNotFound, "NotFound", "File with id '"+id+"' not found.")
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"id": id, "object": "file", "deleted": true})
}

func (s *Server) fileContent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.files[r.PathValue("id")]
	var body []byte
	if ok {
		body = f.Content
	}
	s.mu.Unlock()
	if !ok {
		WriteError(w, http.StatusNotFound, "NotFound", "File with id '"+r.PathValue("id")+"' not found.")
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(body)
}

// importFile downloads content_url (a SAS URL in the tests) like the service does.
func (s *Server) importFile(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Purpose    string `json:"purpose"`
		Filename   string `json:"filename"`
		ContentURL string `json:"content_url"`
	}
	if !ReadJSON(w, r, &in) {
		return
	}
	if in.Purpose == "" || in.Filename == "" || in.ContentURL == "" {
		WriteError(w, http.StatusBadRequest, "BadRequest", "purpose, filename and content_url are required")
		return
	}
	f := StoredFile{Filename: in.Filename, Purpose: in.Purpose, Status: "pending", ContentURL: in.ContentURL}
	resp, err := http.Get(in.ContentURL) // the fake acts as the service fetching the blob
	switch {
	case err != nil:
		f.Status, f.StatusDetails = "error", "could not download content_url: "+err.Error()
	case resp.StatusCode != http.StatusOK:
		f.Status, f.StatusDetails = "error", fmt.Sprintf("could not download content_url: HTTP %d", resp.StatusCode)
		resp.Body.Close()
	default:
		f.Content, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			f.Status, f.StatusDetails = "error", "could not download content_url: "+err.Error()
		}
	}
	s.mu.Lock()
	id := s.addFile(f)
	out := fileJSON(s.files[id])
	s.mu.Unlock()
	WriteJSON(w, http.StatusCreated, out)
}

func uploadJSON(u *upload, f *StoredFile) map[string]any {
	m := map[string]any{
		"id": u.id, "object": "upload", "bytes": u.bytes, "created_at": u.createdAt,
		"expires_at": u.createdAt + 3600, "filename": u.filename, "purpose": u.purpose, "status": u.status,
	}
	if f != nil {
		m["file"] = fileJSON(f)
	}
	return m
}

func (s *Server) createUpload(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Purpose  string `json:"purpose"`
		Filename string `json:"filename"`
		Bytes    int64  `json:"bytes"`
		MimeType string `json:"mime_type"`
	}
	if !ReadJSON(w, r, &in) {
		return
	}
	if in.Purpose == "" || in.Filename == "" || in.MimeType == "" || in.Bytes <= 0 {
		WriteError(w, http.StatusBadRequest, "BadRequest", "purpose, filename, bytes and mime_type are required")
		return
	}
	s.mu.Lock()
	u := &upload{id: s.NewID("upload-"), filename: in.Filename, purpose: in.Purpose, mime: in.MimeType,
		bytes: in.Bytes, status: "pending", createdAt: time.Now().Unix()}
	s.uploads[u.id] = u
	out := uploadJSON(u, nil)
	s.mu.Unlock()
	WriteJSON(w, http.StatusOK, out)
}

func (s *Server) addPart(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		WriteError(w, http.StatusBadRequest, "BadRequest", "invalid multipart form: "+err.Error())
		return
	}
	file, _, err := r.FormFile("data")
	if err != nil {
		WriteError(w, http.StatusBadRequest, "BadRequest", "data is required")
		return
	}
	data, err := io.ReadAll(file)
	if err != nil {
		WriteError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[id]
	if !ok || u.status != "pending" {
		WriteError(w, http.StatusNotFound, "NotFound", "Upload '"+id+"' not found or not pending.")
		return
	}
	pid := s.NewID("part-")
	s.parts[id+"/"+pid] = data
	WriteJSON(w, http.StatusOK, map[string]any{"id": pid, "object": "upload.part", "upload_id": id, "created_at": time.Now().Unix()})
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var in struct {
		PartIDs []string `json:"part_ids"`
	}
	if !ReadJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[id]
	if !ok || u.status != "pending" {
		WriteError(w, http.StatusNotFound, "NotFound", "Upload '"+id+"' not found or not pending.")
		return
	}
	var content []byte
	for _, p := range in.PartIDs {
		d, ok := s.parts[id+"/"+p]
		if !ok {
			WriteError(w, http.StatusBadRequest, "BadRequest", "unknown part "+p)
			return
		}
		content = append(content, d...)
	}
	if int64(len(content)) != u.bytes {
		WriteError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("parts hold %d bytes, the upload declared %d", len(content), u.bytes))
		return
	}
	u.status = "completed"
	u.fileID = s.addFile(StoredFile{Filename: u.filename, Purpose: u.purpose, Content: content, Status: "pending", ContentType: u.mime})
	WriteJSON(w, http.StatusOK, uploadJSON(u, s.files[u.fileID]))
}

func (s *Server) cancelUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[id]
	if !ok {
		WriteError(w, http.StatusNotFound, "NotFound", "Upload '"+id+"' not found.")
		return
	}
	u.status = "cancelled"
	WriteJSON(w, http.StatusOK, uploadJSON(u, nil))
}
