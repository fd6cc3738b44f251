// Package models is ftprep's built-in catalogue of fine-tunable base models:
// the tokenizer each uses, its training-example token limit, and what it can be
// fine-tuned with (methods, images) and deployed as.
package models

import (
	"sort"
	"strings"
)

// Fine-tuning methods.
const (
	SFT = "sft"
	DPO = "dpo"
	RFT = "rft"
)

// Deployment SKUs (ftprep's names; see ARMSku).
const (
	SkuStandard       = "standard"
	SkuGlobalStandard = "globalstandard"
	SkuDeveloper      = "developer"
	SkuProvisioned    = "provisioned"
)

// Defaults used when no model, or an unknown model, is given.
const (
	DefaultEncoding = "o200k_base"
	DefaultLimit    = 65536
)

// Model describes one fine-tunable base model.
type Model struct {
	Name     string   // dated name, e.g. gpt-4.1-mini-2025-04-14
	Aliases  []string // undated and alternative names
	Encoding string   // tiktoken encoding: o200k_base or cl100k_base
	Limit    int      // training-example token limit (longer examples are truncated)
	Vision   bool     // can be fine-tuned on images
	Methods  []string // sft, dpo, rft
	SKUs     []string // deployment SKUs the model is documented with (regions vary)
}

// Supports reports whether the model can be fine-tuned with method.
func (m Model) Supports(method string) bool { return contains(m.Methods, method) }

// DeployableAs reports whether the catalogue lists sku for the model.
func (m Model) DeployableAs(sku string) bool { return contains(m.SKUs, sku) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var all = []Model{
	{Name: "gpt-4o-2024-08-06", Aliases: []string{"gpt-4o"}, Encoding: "o200k_base", Limit: 65536, Vision: true,
		Methods: []string{SFT, DPO}, SKUs: []string{SkuStandard, SkuGlobalStandard, SkuDeveloper, SkuProvisioned}},
	{Name: "gpt-4o-mini-2024-07-18", Aliases: []string{"gpt-4o-mini"}, Encoding: "o200k_base", Limit: 65536,
		Methods: []string{SFT}, SKUs: []string{SkuStandard, SkuGlobalStandard, SkuDeveloper, SkuProvisioned}},
	{Name: "gpt-4.1-2025-04-14", Aliases: []string{"gpt-4.1"}, Encoding: "o200k_base", Limit: 65536, Vision: true,
		Methods: []string{SFT, DPO}, SKUs: []string{SkuStandard, SkuGlobalStandard, SkuDeveloper, SkuProvisioned}},
	{Name: "gpt-4.1-mini-2025-04-14", Aliases: []string{"gpt-4.1-mini"}, Encoding: "o200k_base", Limit: 65536,
		Methods: []string{SFT, DPO}, SKUs: []string{SkuStandard, SkuGlobalStandard, SkuDeveloper, SkuProvisioned}},
	{Name: "gpt-4.1-nano-2025-04-14", Aliases: []string{"gpt-4.1-nano"}, Encoding: "o200k_base", Limit: 32768,
		Methods: []string{SFT, DPO}, SKUs: []string{SkuStandard, SkuGlobalStandard, SkuDeveloper}},
	{Name: "o4-mini-2025-04-16", Aliases: []string{"o4-mini"}, Encoding: "o200k_base", Limit: 65536,
		Methods: []string{RFT}, SKUs: []string{SkuStandard, SkuGlobalStandard, SkuDeveloper}},
	{Name: "gpt-35-turbo-0125", Aliases: []string{"gpt-3.5-turbo-0125", "gpt-35-turbo", "gpt-3.5-turbo"}, Encoding: "cl100k_base", Limit: 16385,
		Methods: []string{SFT}, SKUs: []string{SkuStandard}},
	{Name: "gpt-35-turbo-1106", Aliases: []string{"gpt-3.5-turbo-1106"}, Encoding: "cl100k_base", Limit: 16385,
		Methods: []string{SFT}, SKUs: []string{SkuStandard}},
	{Name: "gpt-35-turbo-0613", Aliases: []string{"gpt-3.5-turbo-0613"}, Encoding: "cl100k_base", Limit: 4096,
		Methods: []string{SFT}, SKUs: []string{SkuStandard}},
}

// All returns the catalogue, sorted by name.
func All() []Model {
	out := append([]Model(nil), all...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// BaseName strips what a fine-tuned model or checkpoint ID adds to its base:
// "gpt-4.1-mini-2025-04-14.ft-abc123" and "ft:gpt-4o-mini-2024-07-18:org::id"
// become the base model name.
func BaseName(name string) string {
	n := strings.TrimSpace(name)
	if strings.HasPrefix(n, "ft:") {
		rest := strings.TrimPrefix(n, "ft:")
		if i := strings.IndexByte(rest, ':'); i >= 0 {
			rest = rest[:i]
		}
		return rest
	}
	if i := strings.Index(n, ".ft-"); i > 0 {
		return n[:i]
	}
	return n
}

// Lookup finds a model by dated name, alias or fine-tuned ID (which resolves
// to its base). ok is false for a model the catalogue does not know.
func Lookup(name string) (m Model, ok bool) {
	n := strings.ToLower(BaseName(name))
	for _, m := range all {
		if m.Name == n {
			return m, true
		}
		for _, a := range m.Aliases {
			if a == n {
				return m, true
			}
		}
	}
	return Model{}, false
}

// Resolve returns the model for name, or the defaults (o200k_base, 65,536)
// with ok false when name is empty or unknown.
func Resolve(name string) (m Model, ok bool) {
	if name != "" {
		if m, ok := Lookup(name); ok {
			return m, true
		}
	}
	return Model{Name: name, Encoding: DefaultEncoding, Limit: DefaultLimit, Vision: true,
		Methods: []string{SFT, DPO, RFT}}, false
}

// ARMSku maps ftprep's SKU name to the Azure Resource Manager SKU name.
func ARMSku(sku string) (string, bool) {
	switch strings.ToLower(sku) {
	case SkuStandard:
		return "Standard", true
	case SkuGlobalStandard:
		return "GlobalStandard", true
	case SkuDeveloper:
		return "DeveloperTier", true
	case SkuProvisioned:
		return "ProvisionedManaged", true
	}
	return "", false
}
