package jobs

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
)

// View is a job as ftprep prints it (text and --format json).
type View struct {
	ID              string            `json:"id"`
	Status          string            `json:"status"`
	Model           string            `json:"model"`
	FineTunedModel  string            `json:"fine_tuned_model,omitempty"`
	TrainingFile    string            `json:"training_file"`
	ValidationFile  string            `json:"validation_file,omitempty"`
	Suffix          string            `json:"suffix,omitempty"`
	Method          string            `json:"method,omitempty"`
	Seed            int64             `json:"seed,omitempty"`
	TrainedTokens   int64             `json:"trained_tokens,omitempty"`
	CreatedAt       int64             `json:"created_at,omitempty"`
	FinishedAt      int64             `json:"finished_at,omitempty"`
	EstimatedFinish int64             `json:"estimated_finish,omitempty"`
	ResultFiles     []string          `json:"result_files"`
	Metadata        map[string]string `json:"metadata,omitempty"`
	Error           *JobError         `json:"error,omitempty"`
}

// JobError is the service's explanation of a failed job.
type JobError struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Param   string `json:"param,omitempty"`
}

func (e *JobError) String() string {
	s := e.Message
	if e.Code != "" {
		s = e.Code + ": " + s
	}
	if e.Param != "" {
		s += " (" + e.Param + ")"
	}
	return s
}

// NewView flattens a job. Azure's `suffix` field, absent from the OpenAI job
// object, is read from the raw response.
func NewView(j *openai.FineTuningJob) View {
	v := View{
		ID: j.ID, Status: string(j.Status), Model: j.Model, FineTunedModel: j.FineTunedModel,
		TrainingFile: j.TrainingFile, ValidationFile: j.ValidationFile, Method: j.Method.Type,
		Seed: j.Seed, TrainedTokens: j.TrainedTokens, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt,
		EstimatedFinish: j.EstimatedFinish, ResultFiles: j.ResultFiles, Metadata: j.Metadata,
	}
	if v.ResultFiles == nil {
		v.ResultFiles = []string{}
	}
	if f, ok := j.JSON.ExtraFields["suffix"]; ok {
		_ = json.Unmarshal([]byte(f.Raw()), &v.Suffix)
	}
	if j.Error.Message != "" || j.Error.Code != "" {
		v.Error = &JobError{Code: j.Error.Code, Message: j.Error.Message, Param: j.Error.Param}
	}
	return v
}

func unix(t int64) string {
	if t <= 0 {
		return ""
	}
	return time.Unix(t, 0).UTC().Format(time.RFC3339)
}

// WriteText prints the job's details, one "name: value" per line, empty values left out.
func (v View) WriteText(w io.Writer) error {
	var b strings.Builder
	row := func(k, val string) {
		if val != "" {
			fmt.Fprintf(&b, "%-17s %s\n", k+":", val)
		}
	}
	row("id", v.ID)
	row("status", v.Status)
	row("model", v.Model)
	row("fine-tuned model", v.FineTunedModel)
	row("method", v.Method)
	row("training file", v.TrainingFile)
	row("validation file", v.ValidationFile)
	row("suffix", v.Suffix)
	if v.Seed != 0 {
		row("seed", fmt.Sprint(v.Seed))
	}
	if v.TrainedTokens != 0 {
		row("trained tokens", fmt.Sprint(v.TrainedTokens))
	}
	row("created", unix(v.CreatedAt))
	row("finished", unix(v.FinishedAt))
	if !IsTerminal(v.Status) {
		row("estimated finish", unix(v.EstimatedFinish))
	}
	row("result files", strings.Join(v.ResultFiles, ", "))
	for _, k := range sortedKeys(v.Metadata) {
		row("metadata "+k, v.Metadata[k])
	}
	if v.Error != nil {
		row("error", v.Error.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// FormatEvent renders an event as one line: time, level, message.
func FormatEvent(e openai.FineTuningJobEvent) string {
	t := time.Unix(e.CreatedAt, 0).UTC().Format("2006-01-02 15:04:05")
	return fmt.Sprintf("%s  %-5s  %s", t, string(e.Level), e.Message)
}
