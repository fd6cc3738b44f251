package cli

import (
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/validate"
)

// ruleCatalog describes every rule of the validate registry for `ftprep rules`,
// the SARIF printer and the per-target filter.
func ruleCatalog() []report.RuleInfo {
	rules := validate.Rules()
	out := make([]report.RuleInfo, 0, len(rules))
	for _, r := range rules {
		out = append(out, report.RuleInfo{ID: r.ID, Azure: ruleLevel(r.Severity), OpenAI: ruleLevel(r.SeverityOpenAI), Hint: r.Hint, Doc: r.Doc})
	}
	return out
}

// ruleLevel names a registry severity; validate.Off is "off" (not reported for the target).
func ruleLevel(s report.Severity) string {
	if s == validate.Off {
		return report.LevelOff
	}
	return s.String()
}
