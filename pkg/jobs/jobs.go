package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/models"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
)

// Job statuses that end a job.
const (
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// IsTerminal reports whether a job in status will not change any more.
func IsTerminal(status string) bool {
	switch status {
	case StatusSucceeded, StatusFailed, StatusCancelled:
		return true
	}
	return false
}

// Params builds the create request for s (after Check): hyperparameters under
// `method`, Azure's trainingType as an extra body field.
func Params(s Spec, kind azconn.Kind) openai.FineTuningJobNewParams {
	p := openai.FineTuningJobNewParams{
		Model:        openai.FineTuningJobNewParamsModel(s.Model),
		TrainingFile: s.TrainingFile,
	}
	if s.ValidationFile != "" {
		p.ValidationFile = param.NewOpt(s.ValidationFile)
	}
	if s.Suffix != "" {
		p.Suffix = param.NewOpt(s.Suffix)
	}
	if s.Seed != nil {
		p.Seed = param.NewOpt(*s.Seed)
	}
	if len(s.Metadata) > 0 {
		p.Metadata = s.Metadata
	}
	method := s.Method
	if method == "" {
		method = Supervised
	}
	p.Method.Type = method
	switch method {
	case Supervised:
		var h openai.SupervisedHyperparameters
		if s.Epochs > 0 {
			h.NEpochs.OfInt = param.NewOpt(int64(s.Epochs))
		}
		if s.BatchSize > 0 {
			h.BatchSize.OfInt = param.NewOpt(int64(s.BatchSize))
		}
		if s.LearningRate > 0 {
			h.LearningRateMultiplier.OfFloat = param.NewOpt(s.LearningRate)
		}
		p.Method.Supervised = openai.SupervisedMethodParam{Hyperparameters: h}
	case DPO:
		var h openai.DpoHyperparameters
		if s.Epochs > 0 {
			h.NEpochs.OfInt = param.NewOpt(int64(s.Epochs))
		}
		if s.BatchSize > 0 {
			h.BatchSize.OfInt = param.NewOpt(int64(s.BatchSize))
		}
		if s.LearningRate > 0 {
			h.LearningRateMultiplier.OfFloat = param.NewOpt(s.LearningRate)
		}
		if s.Beta > 0 {
			h.Beta.OfFloat = param.NewOpt(s.Beta)
		}
		p.Method.Dpo = openai.DpoMethodParam{Hyperparameters: h}
	case Reinforcement:
		hp := map[string]any{}
		if s.Epochs > 0 {
			hp["n_epochs"] = s.Epochs
		}
		if s.BatchSize > 0 {
			hp["batch_size"] = s.BatchSize
		}
		if s.LearningRate > 0 {
			hp["learning_rate_multiplier"] = s.LearningRate
		}
		body := map[string]any{"grader": s.Grader}
		if len(hp) > 0 {
			body["hyperparameters"] = hp
		}
		raw, _ := json.Marshal(body)
		p.Method.Reinforcement = param.Override[openai.ReinforcementMethodParam](json.RawMessage(raw))
	}
	if s.TrainingType != "" && kind != azconn.OpenAI {
		p.SetExtraFields(map[string]any{"trainingType": s.TrainingType})
	}
	return p
}

// DuplicateError is returned by Create when a non-terminal job with the same
// model, training file and suffix exists.
type DuplicateError struct{ Job View }

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("an identical job is already %s: %s (model %s, training file %s); not submitting it again (use --force to submit anyway)",
		e.Job.Status, e.Job.ID, e.Job.Model, e.Job.TrainingFile)
}

// duplicateScan bounds how many recent jobs FindDuplicate reads.
const duplicateScan = 200

// FindDuplicate returns a non-terminal job with the same model, training file
// and suffix as s, or nil. Jobs that do not report their suffix (the OpenAI
// platform) match on model and training file.
func FindDuplicate(ctx context.Context, client openai.Client, s Spec) (*View, error) {
	pager := client.FineTuning.Jobs.ListAutoPaging(ctx, openai.FineTuningJobListParams{Limit: param.NewOpt(int64(100))})
	for n := 0; n < duplicateScan && pager.Next(); n++ {
		j := pager.Current()
		if IsTerminal(string(j.Status)) || j.TrainingFile != s.TrainingFile || !sameModel(j.Model, s.Model) {
			continue
		}
		v := NewView(&j)
		if hasSuffixField(&j) && v.Suffix != s.Suffix {
			continue
		}
		return &v, nil
	}
	if err := pager.Err(); err != nil {
		return nil, err
	}
	return nil, nil
}

func hasSuffixField(j *openai.FineTuningJob) bool {
	_, ok := j.JSON.ExtraFields["suffix"]
	return ok
}

func sameModel(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	ma, oka := models.Lookup(a)
	mb, okb := models.Lookup(b)
	// Only base names are canonicalised; fine-tuned IDs must match exactly.
	return oka && okb && ma.Name == mb.Name && models.BaseName(a) == a && models.BaseName(b) == b
}

// Create creates the job, refusing a duplicate of a non-terminal job unless force.
func Create(ctx context.Context, client openai.Client, kind azconn.Kind, s Spec, force bool) (*openai.FineTuningJob, error) {
	if !force {
		dup, err := FindDuplicate(ctx, client, s)
		if err != nil {
			return nil, fmt.Errorf("looking for an identical running job: %w", err)
		}
		if dup != nil {
			return nil, &DuplicateError{Job: *dup}
		}
	}
	return client.FineTuning.Jobs.New(ctx, Params(s, kind))
}

// FollowOptions configure Follow.
type FollowOptions struct {
	Interval time.Duration                      // between polls; 0 = 10 s
	OnEvent  func(e openai.FineTuningJobEvent)  // each new event, oldest first
	OnStatus func(j *openai.FineTuningJob)      // each status change
	Until    func(j *openai.FineTuningJob) bool // stop early (default: a terminal status)
}

// Follow polls the job and its events until it reaches a terminal status (or
// o.Until says stop), reporting each new event once, oldest first. It returns
// the last state of the job.
func Follow(ctx context.Context, client openai.Client, id string, o FollowOptions) (*openai.FineTuningJob, error) {
	if o.Interval <= 0 {
		o.Interval = 10 * time.Second
	}
	until := o.Until
	if until == nil {
		until = func(j *openai.FineTuningJob) bool { return IsTerminal(string(j.Status)) }
	}
	seen := map[string]bool{}
	last := ""
	for {
		// The job first, then its events: once the job is terminal, the events
		// fetched after it include the final ones.
		j, err := client.FineTuning.Jobs.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if string(j.Status) != last {
			last = string(j.Status)
			if o.OnStatus != nil {
				o.OnStatus(j)
			}
		}
		evs, err := NewEvents(ctx, client, id, seen)
		if err != nil {
			return j, err
		}
		for _, e := range evs {
			if o.OnEvent != nil {
				o.OnEvent(e)
			}
		}
		if until(j) {
			return j, nil
		}
		select {
		case <-ctx.Done():
			return j, ctx.Err()
		case <-time.After(o.Interval):
		}
	}
}

// maxEventPages bounds one NewEvents call (100 events a page).
const maxEventPages = 1000

// NewEvents returns the job's events whose IDs are not in seen, oldest first,
// and adds them to seen. The service lists events newest first, so paging stops
// at the first event already seen.
func NewEvents(ctx context.Context, client openai.Client, id string, seen map[string]bool) ([]openai.FineTuningJobEvent, error) {
	var fresh []openai.FineTuningJobEvent
	batch := map[string]bool{}
	page, err := client.FineTuning.Jobs.ListEvents(ctx, id, openai.FineTuningJobListEventsParams{Limit: param.NewOpt(int64(100))})
	for pages := 0; err == nil && page != nil && pages < maxEventPages; pages++ {
		stop := false
		for _, e := range page.Data {
			// A repeat within this call means a server whose cursor does not move: stop.
			if seen[e.ID] || batch[e.ID] {
				stop = true
				break
			}
			batch[e.ID] = true
			fresh = append(fresh, e)
		}
		if stop {
			break
		}
		page, err = page.GetNextPage()
	}
	if err != nil {
		return nil, err
	}
	for _, e := range fresh {
		seen[e.ID] = true
	}
	// Oldest first; the service's order (newest first) breaks ties.
	for i, j := 0, len(fresh)-1; i < j; i, j = i+1, j-1 {
		fresh[i], fresh[j] = fresh[j], fresh[i]
	}
	sort.SliceStable(fresh, func(a, b int) bool { return fresh[a].CreatedAt < fresh[b].CreatedAt })
	return fresh, nil
}

// Delete removes a job where the service supports it. On Azure OpenAI it deletes
// the job (DELETE /openai/fine_tuning/jobs/ID, which also removes its customized
// model); the OpenAI platform keeps jobs, so there it deletes the job's
// fine-tuned model. It returns what was deleted.
func Delete(ctx context.Context, client openai.Client, kind azconn.Kind, id string) (string, error) {
	if kind == azconn.OpenAI {
		j, err := client.FineTuning.Jobs.Get(ctx, id)
		if err != nil {
			return "", err
		}
		if j.FineTunedModel == "" {
			return "", fmt.Errorf("job %s has no fine-tuned model to delete, and the OpenAI platform does not delete jobs", id)
		}
		if _, err := client.Models.Delete(ctx, j.FineTunedModel); err != nil {
			return "", err
		}
		return "model " + j.FineTunedModel, nil
	}
	if err := client.Delete(ctx, "fine_tuning/jobs/"+url.PathEscape(id), nil, nil); err != nil {
		return "", err
	}
	return "job " + id, nil
}

// CopyHeader is the header the checkpoint copy preview API requires.
const CopyHeader = "aoai-copy-ft-checkpoints"

// CopyResult is the state of a checkpoint copy.
type CopyResult struct {
	CheckpointedModelName string       `json:"checkpointedModelName"`
	FineTuningJobID       string       `json:"fineTuningJobId"`
	CopiedAccountDetails  []CopyTarget `json:"copiedAccountDetails"`
}

// CopyTarget is one destination of a checkpoint copy.
type CopyTarget struct {
	DestinationResourceID string `json:"destinationResourceId"`
	Region                string `json:"region"`
	Status                string `json:"status"` // Completed, Failed, InProgress
}

// ErrCopyNeedsAzure is returned for a checkpoint copy on the OpenAI platform.
var ErrCopyNeedsAzure = errors.New("checkpoint copy is an Azure OpenAI preview API: set --endpoint")

func copyPath(job, checkpoint string) string {
	return "fine_tuning/jobs/" + url.PathEscape(job) + "/checkpoints/" + url.PathEscape(checkpoint) + "/copy"
}

// CopyCheckpoint starts copying a checkpoint to another resource and region
// (POST /openai/v1/fine_tuning/jobs/JOB/checkpoints/CKPT/copy with the preview
// header). client must reach the Azure /openai/v1 surface.
func CopyCheckpoint(ctx context.Context, client openai.Client, job, checkpoint, resourceID, region string) (CopyResult, error) {
	var res CopyResult
	body := map[string]string{"destinationResourceId": resourceID, "region": region}
	err := client.Post(ctx, copyPath(job, checkpoint), body, &res,
		option.WithHeader(CopyHeader, "preview"), option.WithHeader("accept", "application/json"))
	return res, err
}

// CopyStatus reads the state of a checkpoint copy (GET on the same route).
func CopyStatus(ctx context.Context, client openai.Client, job, checkpoint string) (CopyResult, error) {
	var res CopyResult
	err := client.Execute(ctx, http.MethodGet, copyPath(job, checkpoint), nil, &res,
		option.WithHeader(CopyHeader, "preview"), option.WithHeader("accept", "application/json"))
	return res, err
}
