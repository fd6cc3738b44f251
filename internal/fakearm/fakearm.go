// Package fakearm is a stateful stand-in for the Azure Resource Manager
// deployment routes of Microsoft.CognitiveServices accounts, for lifecycle
// tests that Prism's stateless mocks cannot give: a PUT answers 201 with
// Azure-AsyncOperation and Location headers and the deployment moves from
// Accepted to Creating (first poll) to Succeeded (or Failed) over polls; DELETE answers 202 and the
// deployment is gone once its Location has been polled enough.
package fakearm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
}

// Failure makes the creation of one deployment fail with an error.
type Failure struct {
	Code, Message string
}

// Server is the fake. Configure fields before the first request.
type Server struct {
	// Polls is how many polls of an operation report InProgress before it
	// finishes (default 2).
	Polls int
	// Fail maps deployment names to the error their creation ends with.
	Fail map[string]Failure
	// RetryAfter, when set, is sent as the Retry-After header of operation responses.
	RetryAfter string
	// Token, when set, is the only bearer token accepted; others get 401.
	Token string

	mu          sync.Mutex
	base        string
	deployments map[string]map[string]any // account path → name → resource
	order       []string
	ops         map[string]*operation
	requests    []Request
	nextID      int
}

type operation struct {
	kind    string // create or delete
	account string
	name    string
	polls   int
}

// Start serves a new fake on 127.0.0.1 until the test ends and returns it with its URL.
func Start(t testing.TB) (*Server, string) {
	t.Helper()
	s := &Server{}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	s.mu.Lock()
	s.base = ts.URL
	s.mu.Unlock()
	return s, ts.URL
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Put stores a deployment directly (for list/show tests).
func (s *Server) Put(account, name string, resource map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store(account, name, resource)
}

func (s *Server) store(account, name string, resource map[string]any) {
	if s.deployments == nil {
		s.deployments = map[string]map[string]any{}
	}
	key := account + "/" + name
	if _, ok := s.deployments[key]; !ok {
		s.order = append(s.order, key)
	}
	s.deployments[key] = resource
}

func (s *Server) remove(key string) {
	delete(s.deployments, key)
	for i, k := range s.order {
		if k == key {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
}

var (
	deploymentRE = regexp.MustCompile(`^(/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.CognitiveServices/accounts/[^/]+)/deployments(?:/([^/]+))?$`)
	operationRE  = regexp.MustCompile(`^/fakearm/operations/([^/]+)$`)
)

// ServeHTTP implements the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.base == "" {
		s.base = "http://" + r.Host
	}
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "Bearer ") || (s.Token != "" && auth != "Bearer "+s.Token) {
		writeErr(w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or its token is invalid.")
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		writeErr(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	if m := operationRE.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
		s.poll(w, m[1])
		return
	}
	m := deploymentRE.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeErr(w, http.StatusNotFound, "InvalidResourceType", "no such route in fakearm: "+r.URL.Path)
		return
	}
	account, name := m[1], m[2]
	key := account + "/" + name
	switch {
	case name == "" && r.Method == http.MethodGet:
		list := []any{}
		for _, k := range s.order {
			if strings.HasPrefix(k, account+"/") {
				list = append(list, s.deployments[k])
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"value": list})
	case name != "" && r.Method == http.MethodGet:
		d, ok := s.deployments[key]
		if !ok {
			writeErr(w, http.StatusNotFound, "DeploymentNotFound", fmt.Sprintf("Deployment %s not found.", name))
			return
		}
		writeJSON(w, http.StatusOK, d)
	case name != "" && r.Method == http.MethodPut:
		s.create(w, r, account, name, body)
	case name != "" && r.Method == http.MethodDelete:
		d, ok := s.deployments[key]
		if !ok {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		setState(d, "Deleting")
		id := s.newOp("delete", account, name)
		w.Header().Set("Location", s.base+"/fakearm/operations/"+id+"?api-version="+r.URL.Query().Get("api-version"))
		if s.RetryAfter != "" {
			w.Header().Set("Retry-After", s.RetryAfter)
		}
		w.WriteHeader(http.StatusAccepted)
	default:
		writeErr(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" not supported by fakearm")
	}
}

func (s *Server) newOp(kind, account, name string) string {
	s.nextID++
	id := fmt.Sprintf("op-%04d", s.nextID)
	if s.ops == nil {
		s.ops = map[string]*operation{}
	}
	s.ops[id] = &operation{kind: kind, account: account, name: name}
	return id
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, account, name string, body []byte) {
	var req struct {
		SKU *struct {
			Name     string `json:"name"`
			Capacity *int   `json:"capacity"`
		} `json:"sku"`
		Properties *struct {
			Model *struct {
				Format  string `json:"format"`
				Name    string `json:"name"`
				Version string `json:"version"`
				Source  string `json:"source"`
			} `json:"model"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeErr(w, http.StatusBadRequest, "InvalidRequestContent", "invalid JSON body: "+err.Error())
		return
	}
	if req.SKU == nil || req.SKU.Name == "" || req.Properties == nil || req.Properties.Model == nil || req.Properties.Model.Name == "" {
		writeErr(w, http.StatusBadRequest, "InvalidRequestContent", "sku.name and properties.model.name are required")
		return
	}
	model := map[string]any{"format": req.Properties.Model.Format, "name": req.Properties.Model.Name, "version": req.Properties.Model.Version}
	if req.Properties.Model.Source != "" {
		model["source"] = req.Properties.Model.Source
	}
	sku := map[string]any{"name": req.SKU.Name}
	if req.SKU.Capacity != nil {
		sku["capacity"] = *req.SKU.Capacity
	}
	d := map[string]any{
		"id":         account + "/deployments/" + name,
		"name":       name,
		"type":       "Microsoft.CognitiveServices/accounts/deployments",
		"sku":        sku,
		"properties": map[string]any{"model": model, "provisioningState": "Accepted"},
	}
	s.store(account, name, d)
	id := s.newOp("create", account, name)
	av := r.URL.Query().Get("api-version")
	w.Header().Set("Azure-AsyncOperation", s.base+"/fakearm/operations/"+id+"?api-version="+av)
	w.Header().Set("Location", s.base+"/fakearm/operations/"+id+"?api-version="+av)
	if s.RetryAfter != "" {
		w.Header().Set("Retry-After", s.RetryAfter)
	}
	writeJSON(w, http.StatusCreated, d)
}

// poll answers an operation URL: the status document (for Azure-AsyncOperation)
// or, for a deletion polled through Location, 202 then 204.
func (s *Server) poll(w http.ResponseWriter, id string) {
	op, ok := s.ops[id]
	if !ok {
		writeErr(w, http.StatusNotFound, "OperationNotFound", "no operation "+id)
		return
	}
	op.polls++
	polls := s.Polls
	if polls <= 0 {
		polls = 2
	}
	done := op.polls > polls
	if s.RetryAfter != "" && !done {
		w.Header().Set("Retry-After", s.RetryAfter)
	}
	key := op.account + "/" + op.name
	if op.kind == "create" && !done {
		setState(s.deployments[key], "Creating")
	}
	if op.kind == "delete" {
		if !done {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		s.remove(key)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !done {
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": id, "status": "InProgress"})
		return
	}
	d := s.deployments[key]
	if f, bad := s.Fail[op.name]; bad {
		setState(d, "Failed")
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": id, "status": "Failed",
			"error": map[string]any{"code": f.Code, "message": f.Message}})
		return
	}
	setState(d, "Succeeded")
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": id, "status": "Succeeded"})
}

func setState(d map[string]any, state string) {
	if d == nil {
		return
	}
	if p, ok := d["properties"].(map[string]any); ok {
		p["provisioningState"] = state
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code int, errCode, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"code": errCode, "message": msg}})
}

// Names lists the stored deployments of every account, sorted (for assertions).
func (s *Server) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.deployments {
		out = append(out, k[strings.LastIndexByte(k, '/')+1:])
	}
	sort.Strings(out)
	return out
}
