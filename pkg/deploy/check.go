package deploy

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ftprep/ftprep/pkg/models"
)

// Model ID shapes accepted by Check.
var (
	// fineTunedRE matches an Azure fine-tuned model: BASE.ft-ID with an optional -SUFFIX
	// (e.g. gpt-4.1-mini-2025-04-14.ft-b044a9d3cf9c4228b5d393567f693b83-support).
	fineTunedRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\.ft-[A-Za-z0-9]+(-[A-Za-z0-9._-]+)?$`)
	// checkpointRE matches a checkpoint ID (ftchkpt-…) or a checkpoint model name (BASE.ft-ID:ckpt-step-N).
	checkpointRE     = regexp.MustCompile(`^ftchkpt-[A-Za-z0-9]+$`)
	checkpointNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\.ft-[A-Za-z0-9]+(-[A-Za-z0-9._-]+)?:ckpt-step-[0-9]+$`)
	// nameRE is the deployment-name rule: 2–64 letters, digits, '_', '.', '-', starting with a letter or digit.
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$`)
	// accountIDRE is the shape of a Microsoft.CognitiveServices account resource ID.
	accountIDRE = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.CognitiveServices/accounts/[^/]+$`)
)

// CheckName reports whether name can be a deployment name.
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("a deployment name is required (--name)")
	}
	if !nameRE.MatchString(name) {
		return fmt.Errorf("invalid deployment name %q: use 2-64 letters, digits, '_', '.' or '-', starting with a letter or digit", name)
	}
	return nil
}

// ModelKind says what a model ID names.
type ModelKind string

// Model kinds recognised by ClassifyModel.
const (
	FineTuned  ModelKind = "fine-tuned model"
	Checkpoint ModelKind = "checkpoint"
)

// ClassifyModel checks the shape of a model ID: a fine-tuned model (BASE.ft-…)
// or a checkpoint (ftchkpt-… or BASE.ft-…:ckpt-step-N).
func ClassifyModel(model string) (ModelKind, error) {
	switch {
	case model == "":
		return "", fmt.Errorf("a model is required: the fine-tuned model (BASE.ft-…) or a checkpoint (ftchkpt-…)")
	case fineTunedRE.MatchString(model):
		return FineTuned, nil
	case checkpointRE.MatchString(model), checkpointNameRE.MatchString(model):
		return Checkpoint, nil
	case strings.HasPrefix(model, "ft:"):
		return "", fmt.Errorf("model %q is an OpenAI platform model ID: Azure deployments take the Azure fine-tuned model name (BASE.ft-…, the job's fine_tuned_model)", model)
	case strings.HasPrefix(model, "ftjob-"):
		return "", fmt.Errorf("%q is a fine-tuning job ID, not a model: `ftprep jobs show %s` prints the job's fine_tuned_model (BASE.ft-…)", model, model)
	}
	if _, known := models.Lookup(model); known && !strings.Contains(model, ".ft-") {
		return "", fmt.Errorf("model %q is a base model: ftprep deploy takes a fine-tuned model (BASE.ft-…) or a checkpoint (ftchkpt-…)", model)
	}
	return "", fmt.Errorf("model %q has neither the shape of a fine-tuned model (BASE.ft-…) nor of a checkpoint (ftchkpt-…)", model)
}

// CheckSourceAccount checks a --source-account resource ID.
func CheckSourceAccount(id string) error {
	if id == "" || accountIDRE.MatchString(id) {
		return nil
	}
	return fmt.Errorf("invalid source account %q: want /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/NAME", id)
}

// Check runs the local checks on a create request before anything is sent.
// Errors stop the deployment; warnings (a SKU the catalogue does not list for
// the base model: regions and offers change) are for the user to weigh.
func Check(o CreateOptions) (warnings []string, err error) {
	if err := CheckName(o.Name); err != nil {
		return nil, err
	}
	kind, err := ClassifyModel(o.Model)
	if err != nil {
		return nil, err
	}
	if o.Capacity < 1 {
		return nil, fmt.Errorf("invalid capacity %d: must be at least 1", o.Capacity)
	}
	if _, ok := models.ARMSku(o.SKU); !ok {
		return nil, fmt.Errorf("invalid sku %q: use standard, globalstandard, developer or provisioned", o.SKU)
	}
	if err := CheckSourceAccount(o.SourceAccount); err != nil {
		return nil, err
	}
	if kind == Checkpoint && strings.HasPrefix(o.Model, "ftchkpt-") {
		return nil, nil // the base model is not in a checkpoint ID
	}
	base := models.BaseName(strings.SplitN(o.Model, ":", 2)[0])
	m, known := models.Lookup(base)
	switch {
	case !known:
		warnings = append(warnings, fmt.Sprintf("base model %q is not in ftprep's catalogue: sku %s not checked", base, strings.ToLower(o.SKU)))
	case !m.DeployableAs(strings.ToLower(o.SKU)):
		warnings = append(warnings, fmt.Sprintf("sku %s is not listed for %s (documented: %s); regions and offers change, so the request is sent anyway",
			strings.ToLower(o.SKU), m.Name, strings.Join(m.SKUs, ", ")))
	}
	return warnings, nil
}
