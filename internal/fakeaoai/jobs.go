package fakeaoai

// This file holds the fine-tuning job routes of the fake: Server.MountJobs adds
// them to a Server, RegisterJobs to a bare mux.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// JobOutcome scripts how a job created on the fake ends.
type JobOutcome struct {
	Status string // succeeded (default), failed or cancelled
	Code   string // error code for failed
	Reason string // error message for failed
	Steps  int    // metrics events while running (default 3)
}

// Jobs is the fine-tuning state of the fake. A job advances one stage each time
// it is read (GET), so tests control time by polling: pending → running (one
// stage per step) → the outcome. A paused job does not advance.
type Jobs struct {
	mu      sync.Mutex
	jobs    []*fakeJob
	seq     int
	clock   int64
	copies  map[string]map[string]any
	results map[string][]byte
	// addResult stores a result file and returns its ID (set by MountJobs).
	addResult func(content []byte) string

	// Outcome decides how a new job ends, from its create request body; nil = succeeded.
	Outcome func(body map[string]any) JobOutcome
	// ResultCSV is the results.csv a succeeded job gets as its first result file.
	ResultCSV []byte
	// Created records every create request body, in order.
	Created []map[string]any
}

type fakeJob struct {
	obj     map[string]any
	events  []map[string]any // oldest first
	stages  []string
	stage   int
	paused  bool
	outcome JobOutcome
}

// NewJobs returns an empty fake; its clock starts at a fixed instant so output is deterministic.
func NewJobs() *Jobs {
	return &Jobs{clock: 1764547200, copies: map[string]map[string]any{}, results: map[string][]byte{}}
}

// Prefixes the routes are served under: Azure's dated surface (/openai/...?api-version=),
// Azure's v1 surface and the OpenAI platform.
var Prefixes = []string{"/openai", "/openai/v1", "/v1"}

// MountJobs adds j's fine-tuning routes to the fake server s (every surface);
// the results.csv of a succeeded job becomes a file of s.
func (s *Server) MountJobs(j *Jobs) {
	j.mu.Lock()
	j.addResult = func(content []byte) string {
		return s.AddFile(StoredFile{Filename: "results.csv", Purpose: "fine-tune-results", Content: content})
	}
	j.mu.Unlock()
	j.routes(s.Route)
}

// RegisterJobs mounts the fine-tuning routes of j on a bare mux under every
// prefix (with a minimal credential check), for tests without a Server.
func RegisterJobs(mux *http.ServeMux, j *Jobs) {
	j.routes(func(method, path string, h http.HandlerFunc) {
		for _, p := range Prefixes {
			mux.HandleFunc(method+" "+p+path, j.auth(h))
		}
	})
}

func (j *Jobs) routes(route func(method, path string, h http.HandlerFunc)) {
	route("POST", "/fine_tuning/jobs", j.create)
	route("GET", "/fine_tuning/jobs", j.list)
	route("GET", "/fine_tuning/jobs/{id}", j.get)
	route("DELETE", "/fine_tuning/jobs/{id}", j.delete)
	route("GET", "/fine_tuning/jobs/{id}/events", j.listEvents)
	route("GET", "/fine_tuning/jobs/{id}/checkpoints", j.checkpoints)
	route("POST", "/fine_tuning/jobs/{id}/pause", j.action("pause"))
	route("POST", "/fine_tuning/jobs/{id}/resume", j.action("resume"))
	route("POST", "/fine_tuning/jobs/{id}/cancel", j.action("cancel"))
	route("POST", "/fine_tuning/jobs/{id}/checkpoints/{ckpt}/copy", j.copy)
	route("GET", "/fine_tuning/jobs/{id}/checkpoints/{ckpt}/copy", j.copy)
}

// RegisterResultFiles serves the result files of succeeded jobs
// (GET PREFIX/files/{id}/content) on a bare mux; with a Server, MountJobs
// stores them as files of the server instead.
func RegisterResultFiles(mux *http.ServeMux, j *Jobs) {
	for _, p := range Prefixes {
		mux.HandleFunc("GET "+p+"/files/{id}/content", j.auth(func(w http.ResponseWriter, r *http.Request) {
			j.mu.Lock()
			b, ok := j.results[r.PathValue("id")]
			j.mu.Unlock()
			if !ok {
				writeErr(w, http.StatusNotFound, "NotFound", "file not found")
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(b)
		}))
	}
}

// ResultFile returns the content of a result file the fake created.
func (j *Jobs) ResultFile(id string) ([]byte, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	b, ok := j.results[id]
	return b, ok
}

// Job returns a copy of a job's current JSON object.
func (j *Jobs) Job(id string) (map[string]any, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	fj := j.find(id)
	if fj == nil {
		return nil, false
	}
	return clone(fj.obj), true
}

func (j *Jobs) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("api-key") == "" && r.Header.Get("Authorization") == "" {
			writeErr(w, http.StatusUnauthorized, "401", "Access denied due to missing subscription key.")
			return
		}
		if strings.HasPrefix(r.URL.Path, "/openai/") && !strings.HasPrefix(r.URL.Path, "/openai/v1/") && r.URL.Query().Get("api-version") == "" {
			writeErr(w, http.StatusNotFound, "404", "Resource not found (missing api-version)")
			return
		}
		h(w, r)
	}
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (j *Jobs) tick() int64 { j.clock += 60; return j.clock }

func (j *Jobs) find(id string) *fakeJob {
	for _, fj := range j.jobs {
		if fj.obj["id"] == id {
			return fj
		}
	}
	return nil
}

func (j *Jobs) event(fj *fakeJob, level, typ, msg string, data any) {
	e := map[string]any{
		"object": "fine_tuning.job.event", "id": fmt.Sprintf("ftevent-%s-%03d", fj.obj["id"], len(fj.events)+1),
		"created_at": j.tick(), "level": level, "message": msg, "type": typ,
	}
	if data != nil {
		e["data"] = data
	}
	fj.events = append(fj.events, e)
}

func (j *Jobs) create(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	raw, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(raw, &body); err != nil {
		writeErr(w, http.StatusBadRequest, "invalidPayload", "request body is not JSON")
		return
	}
	model, _ := body["model"].(string)
	training, _ := body["training_file"].(string)
	if model == "" || training == "" {
		writeErr(w, http.StatusBadRequest, "invalidPayload", "model and training_file are required")
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Created = append(j.Created, body)
	out := JobOutcome{Status: "succeeded"}
	if j.Outcome != nil {
		out = j.Outcome(body)
	}
	if out.Status == "" {
		out.Status = "succeeded"
	}
	if out.Steps == 0 {
		out.Steps = 3
	}
	j.seq++
	id := fmt.Sprintf("ftjob-%04d", j.seq)
	obj := map[string]any{
		"object": "fine_tuning.job", "id": id, "model": model, "training_file": training,
		"status": "pending", "created_at": j.tick(), "result_files": []any{}, "hyperparameters": map[string]any{},
		"seed": 42, "organization_id": "", "fine_tuned_model": nil, "finished_at": nil, "trained_tokens": nil,
		"error": nil, "estimated_finish": nil, "integrations": nil, "metadata": nil,
	}
	for _, k := range []string{"validation_file", "suffix", "seed", "metadata", "method", "trainingType"} {
		if v, ok := body[k]; ok {
			obj[k] = v
		}
	}
	stages := []string{"pending"}
	for i := 0; i < out.Steps; i++ {
		stages = append(stages, "running")
	}
	stages = append(stages, out.Status)
	fj := &fakeJob{obj: obj, stages: stages, outcome: out}
	j.jobs = append(j.jobs, fj)
	j.event(fj, "info", "message", "Job enqueued. Waiting for jobs ahead to complete.", nil)
	writeJSON(w, http.StatusCreated, obj)
}

// advance moves a job one stage on, emitting the events of the new stage.
func (j *Jobs) advance(fj *fakeJob) {
	status, _ := fj.obj["status"].(string)
	if fj.paused || isTerminal(status) || fj.stage >= len(fj.stages)-1 {
		return
	}
	fj.stage++
	next := fj.stages[fj.stage]
	id := fj.obj["id"].(string)
	switch next {
	case "running":
		if status != "running" {
			j.event(fj, "info", "message", "Training started.", nil)
			fj.obj["estimated_finish"] = j.clock + 3600
		}
		step := fj.stage
		j.event(fj, "info", "metrics", fmt.Sprintf("Step %d: training loss=%.3f", step, 2.0/float64(step+1)),
			map[string]any{"step": step, "train_loss": 2.0 / float64(step+1)})
	case "succeeded":
		fj.obj["fine_tuned_model"] = fmt.Sprintf("%s.ft-%s", fj.obj["model"], strings.TrimPrefix(id, "ftjob-"))
		fj.obj["trained_tokens"] = 12345
		fj.obj["finished_at"] = j.tick()
		fj.obj["estimated_finish"] = nil
		resID := "file-results-" + strings.TrimPrefix(id, "ftjob-")
		if j.addResult != nil {
			resID = j.addResult(j.ResultCSV)
		} else {
			j.results[resID] = j.ResultCSV
		}
		fj.obj["result_files"] = []any{resID}
		j.event(fj, "info", "message", "New fine-tuned model created", nil)
		j.event(fj, "info", "message", "Job succeeded.", nil)
	case "failed":
		fj.obj["error"] = map[string]any{"code": fj.outcome.Code, "message": fj.outcome.Reason, "param": "training_file"}
		fj.obj["finished_at"] = j.tick()
		fj.obj["estimated_finish"] = nil
		j.event(fj, "error", "message", "Job failed: "+fj.outcome.Reason, nil)
	case "cancelled":
		fj.obj["finished_at"] = j.tick()
		j.event(fj, "info", "message", "Job cancelled.", nil)
	}
	fj.obj["status"] = next
}

func isTerminal(s string) bool { return s == "succeeded" || s == "failed" || s == "cancelled" }

func (j *Jobs) get(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	fj := j.find(r.PathValue("id"))
	if fj == nil {
		writeErr(w, http.StatusNotFound, "NotFound", "job not found")
		return
	}
	j.advance(fj)
	writeJSON(w, http.StatusOK, fj.obj)
}

func (j *Jobs) delete(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, fj := range j.jobs {
		if fj.obj["id"] == r.PathValue("id") {
			if !isTerminal(fj.obj["status"].(string)) {
				writeErr(w, http.StatusConflict, "jobNotTerminal", "cancel the job before deleting it")
				return
			}
			j.jobs = append(j.jobs[:i], j.jobs[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeErr(w, http.StatusNotFound, "NotFound", "job not found")
}

// page serves items (newest first) with the after/limit cursor the API uses.
func page(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	limit := 20
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 {
		limit = l
	}
	start := 0
	if after := r.URL.Query().Get("after"); after != "" {
		for i, it := range items {
			if it["id"] == after {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(items))
	out := items[start:end]
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": out, "has_more": end < len(items)})
}

func (j *Jobs) list(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	items := make([]map[string]any, 0, len(j.jobs))
	for i := len(j.jobs) - 1; i >= 0; i-- {
		items = append(items, j.jobs[i].obj)
	}
	page(w, r, items)
}

func (j *Jobs) listEvents(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	fj := j.find(r.PathValue("id"))
	if fj == nil {
		writeErr(w, http.StatusNotFound, "NotFound", "job not found")
		return
	}
	items := make([]map[string]any, 0, len(fj.events))
	for i := len(fj.events) - 1; i >= 0; i-- {
		items = append(items, fj.events[i])
	}
	page(w, r, items)
}

func (j *Jobs) checkpoints(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	fj := j.find(r.PathValue("id"))
	if fj == nil {
		writeErr(w, http.StatusNotFound, "NotFound", "job not found")
		return
	}
	var items []map[string]any
	if ftm, _ := fj.obj["fine_tuned_model"].(string); ftm != "" {
		id := strings.TrimPrefix(fj.obj["id"].(string), "ftjob-")
		for i, step := range []int{30, 20, 10} {
			items = append(items, map[string]any{
				"object": "fine_tuning.job.checkpoint", "id": fmt.Sprintf("ftchkpt-%s-%d", id, step),
				"created_at": j.clock - int64(i*60), "fine_tuned_model_checkpoint": fmt.Sprintf("%s:ckpt-step-%d", ftm, step),
				"step_number": step, "fine_tuning_job_id": fj.obj["id"],
				"metrics": map[string]any{"step": step, "train_loss": 0.5 + float64(i)*0.1, "train_mean_token_accuracy": 0.9 - float64(i)*0.05},
			})
		}
	}
	page(w, r, items)
}

func (j *Jobs) action(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j.mu.Lock()
		defer j.mu.Unlock()
		fj := j.find(r.PathValue("id"))
		if fj == nil {
			writeErr(w, http.StatusNotFound, "NotFound", "job not found")
			return
		}
		status := fj.obj["status"].(string)
		switch {
		case kind == "pause" && status == "running":
			fj.paused = true
			fj.obj["status"] = "paused"
			j.event(fj, "info", "message", "Job paused.", nil)
		case kind == "resume" && status == "paused":
			fj.paused = false
			fj.obj["status"] = "running"
			j.event(fj, "info", "message", "Job resumed.", nil)
		case kind == "cancel" && !isTerminal(status):
			fj.paused = false
			fj.obj["status"] = "cancelled"
			fj.obj["finished_at"] = j.tick()
			fj.stage = len(fj.stages) - 1
			j.event(fj, "info", "message", "Job cancelled.", nil)
		default:
			writeErr(w, http.StatusBadRequest, "invalidState", fmt.Sprintf("cannot %s a job that is %s", kind, status))
			return
		}
		writeJSON(w, http.StatusOK, fj.obj)
	}
}

func (j *Jobs) copy(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("aoai-copy-ft-checkpoints") != "preview" {
		writeErr(w, http.StatusBadRequest, "missingHeader", "aoai-copy-ft-checkpoints: preview is required")
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	key := r.PathValue("id") + "/" + r.PathValue("ckpt")
	if r.Method == http.MethodPost {
		var body struct {
			DestinationResourceID string `json:"destinationResourceId"`
			Region                string `json:"region"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.DestinationResourceID == "" || body.Region == "" {
			writeErr(w, http.StatusBadRequest, "invalidPayload", "destinationResourceId and region are required")
			return
		}
		j.copies[key] = map[string]any{
			"checkpointedModelName": r.PathValue("ckpt"), "fineTuningJobId": r.PathValue("id"),
			"copiedAccountDetails": []any{map[string]any{"destinationResourceId": body.DestinationResourceID, "region": body.Region, "status": "InProgress"}},
		}
		writeJSON(w, http.StatusOK, j.copies[key])
		return
	}
	c, ok := j.copies[key]
	if !ok {
		writeErr(w, http.StatusNotFound, "NotFound", "no copy of this checkpoint")
		return
	}
	// The copy completes on the first status read.
	for _, d := range c["copiedAccountDetails"].([]any) {
		d.(map[string]any)["status"] = "Completed"
	}
	writeJSON(w, http.StatusOK, c)
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
