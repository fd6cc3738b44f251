// Package jobs drives the fine-tuning job lifecycle on Azure OpenAI and the
// OpenAI platform: local checks of a job before any request, job creation with
// hyperparameters under `method`, refusal of duplicate jobs, following events
// until the job ends, and the checkpoint copy preview API.
package jobs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/models"
)

// Fine-tuning methods as the API names them.
const (
	Supervised    = "supervised"
	DPO           = "dpo"
	Reinforcement = "reinforcement"
)

// Azure training types (the `trainingType` body field).
var TrainingTypes = []string{"standard", "globalstandard", "developer"}

// Limits checked locally before a job is created.
const (
	MaxSeed          = 2147483647
	MaxEpochs        = 50
	MaxBatchSize     = 256
	MaxBeta          = 2.0
	MaxMetadata      = 16
	MaxMetadataKey   = 64
	MaxMetadataValue = 512
	MaxSuffixAzure   = 40
	MaxSuffixOpenAI  = 64
)

// Spec is the job to create. Zero hyperparameters mean "let the service choose".
type Spec struct {
	Model          string // base model, fine-tuned model (continuous fine-tuning) or checkpoint
	TrainingFile   string // file ID
	ValidationFile string // file ID, optional
	Suffix         string
	Seed           *int64
	Epochs         int
	BatchSize      int
	LearningRate   float64 // learning-rate multiplier
	Beta           float64 // DPO only
	Method         string  // supervised, dpo or reinforcement ("" = from the data, else supervised)
	Grader         json.RawMessage
	TrainingType   string // Azure only: standard, globalstandard or developer
	Metadata       map[string]string
}

// Data is what ftprep knows about the training data (from local files; zero for file IDs).
type Data struct {
	Format string // "chat", "dpo", "rft" or "" when unknown
	Images bool   // some example has an image
}

// MethodFor maps a data format to the fine-tuning method it trains.
func MethodFor(format string) string {
	switch format {
	case "dpo":
		return DPO
	case "rft":
		return Reinforcement
	}
	return Supervised
}

func catalogueMethod(method string) string {
	switch method {
	case DPO:
		return models.DPO
	case Reinforcement:
		return models.RFT
	}
	return models.SFT
}

// CheckError lists every problem the local checks found; nothing was sent.
type CheckError struct{ Problems []string }

func (e *CheckError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return "the job was not submitted:\n  - " + strings.Join(e.Problems, "\n  - ")
}

// Check applies every check that needs no request: parameter ranges, suffix
// characters and length for the target, method and vision support from the
// model catalogue, and Azure's rules (RFT needs a validation file, trainingType
// only there). It fills s.Method from the data when empty.
func Check(s *Spec, kind azconn.Kind, d Data) error {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	azure := kind != azconn.OpenAI
	if strings.TrimSpace(s.Model) == "" {
		add("--model is required (a base model such as gpt-4.1-mini-2025-04-14, a fine-tuned model or a checkpoint)")
	}
	if s.TrainingFile == "" {
		add("a training file is required (--training-file, or a split manifest)")
	}
	if s.Method == "" {
		s.Method = MethodFor(d.Format)
	}
	switch s.Method {
	case Supervised, DPO, Reinforcement:
	default:
		add("--method %q: want supervised, dpo or reinforcement", s.Method)
	}
	if d.Format != "" && MethodFor(d.Format) != s.Method {
		add("--method %s does not match the training data, which is %s data (method %s)", s.Method, d.Format, MethodFor(d.Format))
	}
	max := MaxSuffixOpenAI
	if azure {
		max = MaxSuffixAzure
	}
	if n := len(s.Suffix); n > max {
		add("--suffix is %d characters; at most %d on %s", n, max, targetName(kind))
	}
	for _, r := range s.Suffix {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			add("--suffix %q: only A-Z a-z 0-9 - and _ are allowed (found %q)", s.Suffix, r)
			break
		}
	}
	if s.Seed != nil && (*s.Seed < 0 || *s.Seed > MaxSeed) {
		add("--seed %d: want 0..%d", *s.Seed, MaxSeed)
	}
	if s.Epochs != 0 && (s.Epochs < 1 || s.Epochs > MaxEpochs) {
		add("--epochs %d: want 1..%d", s.Epochs, MaxEpochs)
	}
	if s.BatchSize != 0 && (s.BatchSize < 1 || s.BatchSize > MaxBatchSize) {
		add("--batch-size %d: want 1..%d", s.BatchSize, MaxBatchSize)
	}
	if s.LearningRate < 0 {
		add("--learning-rate-multiplier %g: want > 0", s.LearningRate)
	}
	if s.Beta != 0 {
		if s.Beta < 0 || s.Beta > MaxBeta {
			add("--beta %g: want 0 < beta <= %g", s.Beta, MaxBeta)
		}
		if s.Method != DPO {
			add("--beta applies to DPO only (method is %s)", s.Method)
		}
	}
	if s.Method == Reinforcement {
		if len(s.Grader) == 0 {
			add("reinforcement fine-tuning needs a grader (--grader FILE.json)")
		} else if !json.Valid(s.Grader) || !bytes.HasPrefix(bytes.TrimSpace(s.Grader), []byte("{")) {
			add("--grader: not a JSON object")
		}
		if azure && s.ValidationFile == "" {
			add("reinforcement fine-tuning on Azure OpenAI needs a validation file (--validation-file)")
		}
	} else if len(s.Grader) != 0 {
		add("--grader applies to reinforcement fine-tuning only (method is %s)", s.Method)
	}
	if s.TrainingType != "" {
		if !azure {
			add("--training-type is an Azure OpenAI option; the OpenAI platform has none")
		} else if !contains(TrainingTypes, s.TrainingType) {
			add("--training-type %q: want %s", s.TrainingType, strings.Join(TrainingTypes, ", "))
		}
	}
	if len(s.Metadata) > MaxMetadata {
		add("--metadata: %d pairs, at most %d", len(s.Metadata), MaxMetadata)
	}
	for _, k := range sortedKeys(s.Metadata) {
		if len(k) > MaxMetadataKey {
			add("--metadata key %q: at most %d characters", k, MaxMetadataKey)
		}
		if len(s.Metadata[k]) > MaxMetadataValue {
			add("--metadata %s: value of %d characters, at most %d", k, len(s.Metadata[k]), MaxMetadataValue)
		}
	}
	if m, ok := models.Lookup(s.Model); ok {
		if !m.Supports(catalogueMethod(s.Method)) {
			add("%s cannot be fine-tuned with %s (it supports %s)", m.Name, s.Method, methodNames(m.Methods))
		}
		if d.Images && !m.Vision {
			add("the training data has images, but %s cannot be fine-tuned on images (use a vision model such as gpt-4.1-2025-04-14 or gpt-4o-2024-08-06)", m.Name)
		}
	}
	if len(p) > 0 {
		return &CheckError{Problems: p}
	}
	return nil
}

func targetName(k azconn.Kind) string {
	if k == azconn.OpenAI {
		return "the OpenAI platform"
	}
	return "Azure OpenAI"
}

func methodNames(ms []string) string {
	var out []string
	for _, m := range ms {
		switch m {
		case models.SFT:
			out = append(out, Supervised)
		case models.DPO:
			out = append(out, DPO)
		case models.RFT:
			out = append(out, Reinforcement)
		}
	}
	return strings.Join(out, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ParseMetadata reads --metadata k=v pairs.
func ParseMetadata(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--metadata %q: want KEY=VALUE", kv)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("--metadata: key %q given twice", k)
		}
		m[k] = v
	}
	return m, nil
}

// DetectData reads a local JSONL file and reports its format (from the first
// non-blank line) and whether any example carries an image. It reads the file
// with a bufio.Reader, so arbitrarily long lines are fine.
func DetectData(path string) (Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return Data{}, err
	}
	defer f.Close()
	return detect(f)
}

func detect(r io.Reader) (Data, error) {
	var d Data
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if d.Format == "" {
				d.Format = lineFormat(t)
			}
			if !d.Images && (bytes.Contains(t, []byte(`"image_url"`)) || bytes.Contains(t, []byte(`"input_image"`))) {
				d.Images = true
			}
		}
		if errors.Is(err, io.EOF) {
			return d, nil
		}
		if err != nil {
			return d, err
		}
	}
}

// lineFormat classifies one example: DPO (preferred/non-preferred outputs), RFT
// (messages ending without an assistant answer) or chat.
func lineFormat(line []byte) string {
	var ex struct {
		Messages []struct {
			Role string `json:"role"`
		} `json:"messages"`
		Input              json.RawMessage `json:"input"`
		PreferredOutput    json.RawMessage `json:"preferred_output"`
		NonPreferredOutput json.RawMessage `json:"non_preferred_output"`
	}
	if json.Unmarshal(line, &ex) != nil {
		return ""
	}
	switch {
	case ex.PreferredOutput != nil || ex.NonPreferredOutput != nil:
		return "dpo"
	case len(ex.Messages) > 0 && ex.Messages[len(ex.Messages)-1].Role != "assistant":
		return "rft"
	case len(ex.Messages) > 0:
		return "chat"
	}
	return ""
}
