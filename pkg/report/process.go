package report

import "sort"

// QuotaRule is the warning added when an Azure job would exceed the training
// token quota (tokens × epochs > QuotaTokens).
const (
	QuotaRule   = "training-tokens-quota"
	QuotaTokens = 2_000_000_000
)

// ProcessOptions configure Process.
type ProcessOptions struct {
	Target     string  // "azure" (default) or "openai"
	Rules      RuleSet // rule levels per target; rules not in the set are kept as reported
	MaxPerRule int     // keep at most this many findings per rule per file; 0 = all
}

// Process post-processes every file of r in small named steps — drop rules
// that are off for the target, add the quota warning, sort, tally, cap — and
// sets r.OK. Counts, Errors and Warnings stay exact when findings are capped.
func Process(r *Result, o ProcessOptions) {
	r.OK = true
	for i := range r.Files {
		f := &r.Files[i]
		ApplyTarget(f, o.Rules, o.Target)
		AddQuotaWarning(f, o.Target)
		SortFindings(f.Findings)
		Tally(f)
		CapPerRule(f, o.MaxPerRule)
		r.OK = r.OK && f.OK
	}
	if r.Files == nil {
		r.Files = []FileResult{}
	}
}

// ApplyTarget removes findings of rules whose level under target is off
// (e.g. bom-missing for openai). Severities are left as the checks set them:
// some rules (too-many-images) choose theirs from the input.
func ApplyTarget(f *FileResult, rules RuleSet, target string) {
	if len(rules) == 0 {
		return
	}
	kept := f.Findings[:0]
	for _, x := range f.Findings {
		if ri, ok := rules[x.Rule]; ok && ri.Level(target) == LevelOff {
			continue
		}
		kept = append(kept, x)
	}
	f.Findings = kept
}

// AddQuotaWarning adds a whole-file training-tokens-quota warning under the
// azure target when the billed-token estimate (training tokens × epochs)
// exceeds Azure's 2,000,000,000 quota, unless the checks reported it already.
func AddQuotaWarning(f *FileResult, target string) {
	if target == "openai" || f.Tokens == nil || f.Tokens.BilledTokens <= QuotaTokens {
		return
	}
	for _, x := range f.Findings {
		if x.Rule == QuotaRule {
			return
		}
	}
	f.Findings = append(f.Findings, Finding{Rule: QuotaRule, Severity: Warning,
		Message: "training tokens × epochs ≈ " + group(f.Tokens.BilledTokens) +
			" exceed Azure's quota of 2,000,000,000 per job; use fewer epochs or a smaller file"})
}

// SortFindings orders findings by line, then column; findings at the same
// place keep the order the checks reported them in.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Column < fs[j].Column
	})
}

// Tally recomputes Counts, Errors, Warnings and OK (no errors) from Findings,
// and makes nil slices and maps empty so JSON shows [] and {}, never null.
func Tally(f *FileResult) {
	f.Counts = make(map[string]int, len(f.Counts))
	f.Errors, f.Warnings = 0, 0
	for _, x := range f.Findings {
		f.Counts[x.Rule]++
		switch x.Severity {
		case Error:
			f.Errors++
		case Warning:
			f.Warnings++
		}
	}
	if f.Findings == nil {
		f.Findings = []Finding{}
	}
	if f.Tokens != nil && f.Tokens.Histogram == nil {
		f.Tokens.Histogram = []Bucket{}
	}
	f.OK = f.Errors == 0
}

// CapPerRule keeps the first n findings of each rule (in order) and records
// how many it left out in Omitted. n <= 0 keeps everything.
func CapPerRule(f *FileResult, n int) {
	if n <= 0 {
		return
	}
	seen := map[string]int{}
	kept := f.Findings[:0]
	for _, x := range f.Findings {
		seen[x.Rule]++
		if seen[x.Rule] > n {
			if f.Omitted == nil {
				f.Omitted = map[string]int{}
			}
			f.Omitted[x.Rule]++
			continue
		}
		kept = append(kept, x)
	}
	f.Findings = kept
}

// Errors returns the error findings of all files.
func (r Result) Errors() int {
	n := 0
	for _, f := range r.Files {
		n += f.Errors
	}
	return n
}

// Warnings returns the warning findings of all files.
func (r Result) Warnings() int {
	n := 0
	for _, f := range r.Files {
		n += f.Warnings
	}
	return n
}

// Failed reports whether r should fail a run: any error, or any warning when strict.
func (r Result) Failed(strict bool) bool {
	return r.Errors() > 0 || (strict && r.Warnings() > 0)
}
