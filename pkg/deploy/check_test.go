package deploy

import (
	"strings"
	"testing"
)

func TestClassifyModel(t *testing.T) {
	for _, tc := range []struct {
		model string
		kind  ModelKind
		err   string
	}{
		{"gpt-4.1-mini-2025-04-14.ft-b044a9d3cf9c4228b5d393567f693b83", FineTuned, ""},
		{"gpt-35-turbo-0125.ft-b044a9d3cf9c4228b5d393567f693b83-support_bot", FineTuned, ""},
		{"ftchkpt-0a1b2c3d4e5f", Checkpoint, ""},
		{"gpt-4o-mini-2024-07-18.ft-0e208cf33a6a466994aff31a08aba678:ckpt-step-10", Checkpoint, ""},
		{"", "", "a model is required"},
		{"ft:gpt-4o-mini-2024-07-18:org::abc", "", "OpenAI platform model ID"},
		{"ftjob-abc123", "", "fine-tuning job ID"},
		{"gpt-4.1-mini", "", "is a base model"},
		{"my model", "", "neither the shape"},
		{"gpt-4.1.ft-", "", "neither the shape"},
	} {
		kind, err := ClassifyModel(tc.model)
		if kind != tc.kind || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ClassifyModel(%q) = %q, %v; want %q, %q", tc.model, kind, err, tc.kind, tc.err)
		}
	}
}

func TestCheck(t *testing.T) {
	ok := CreateOptions{Name: "ft-mini", Model: "gpt-4.1-mini-2025-04-14.ft-abc", SKU: "standard", Capacity: 1}
	for _, tc := range []struct {
		name string
		edit func(*CreateOptions)
		err  string
		warn string
	}{
		{"ok", func(*CreateOptions) {}, "", ""},
		{"name chars", func(o *CreateOptions) { o.Name = "ft mini" }, "invalid deployment name", ""},
		{"name start", func(o *CreateOptions) { o.Name = "-ft" }, "invalid deployment name", ""},
		{"name short", func(o *CreateOptions) { o.Name = "f" }, "invalid deployment name", ""},
		{"name long", func(o *CreateOptions) { o.Name = strings.Repeat("a", 65) }, "invalid deployment name", ""},
		{"name 64", func(o *CreateOptions) { o.Name = strings.Repeat("a", 64) }, "", ""},
		{"no name", func(o *CreateOptions) { o.Name = "" }, "--name", ""},
		{"capacity", func(o *CreateOptions) { o.Capacity = 0 }, "must be at least 1", ""},
		{"sku", func(o *CreateOptions) { o.SKU = "premium" }, "invalid sku", ""},
		{"sku case", func(o *CreateOptions) { o.SKU = "GlobalStandard" }, "", ""},
		{"source", func(o *CreateOptions) { o.SourceAccount = "aoai-west" }, "invalid source account", ""},
		{"source ok", func(o *CreateOptions) {
			o.SourceAccount = "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a"
		}, "", ""},
		{"sku not listed", func(o *CreateOptions) {
			o.Model = "gpt-35-turbo-0125.ft-abc"
			o.SKU = "globalstandard"
		}, "", "sku globalstandard is not listed for gpt-35-turbo-0125"},
		{"unknown base", func(o *CreateOptions) { o.Model = "gpt-9-2030-01-01.ft-abc" }, "", "not in ftprep's catalogue"},
		{"checkpoint id", func(o *CreateOptions) { o.Model = "ftchkpt-abc" }, "", ""},
		{"checkpoint name", func(o *CreateOptions) {
			o.Model = "gpt-4.1-nano-2025-04-14.ft-abc:ckpt-step-20"
			o.SKU = "provisioned"
		}, "", "sku provisioned is not listed for gpt-4.1-nano-2025-04-14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			warns, err := Check(o)
			if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			got := strings.Join(warns, "\n")
			if (tc.warn == "") != (got == "") || !strings.Contains(got, tc.warn) {
				t.Errorf("warnings = %q, want %q", got, tc.warn)
			}
		})
	}
}
