package report

import "sort"

// Rule levels per target, as RuleInfo spells them.
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelInfo    = "info"
	LevelOff     = "off" // the rule does not apply to the target
)

// RuleInfo describes one rule for printers and `ftprep rules`: its stable ID,
// its level under each target and a one-line fix hint. The rule registry in
// pkg/validate is the source; printers only need this description.
type RuleInfo struct {
	ID     string `json:"id"`
	Azure  string `json:"azure"`         // error, warning, info or off
	OpenAI string `json:"openai"`        // error, warning, info or off
	Hint   string `json:"hint"`          // how to fix a finding, one line
	Doc    string `json:"doc,omitempty"` // what the rule checks, one line
}

// Level returns the rule's level under target ("azure" or "openai"; anything
// else is treated as azure).
func (r RuleInfo) Level(target string) string {
	if target == "openai" {
		return r.OpenAI
	}
	return r.Azure
}

// Help returns what the rule checks (Doc), or Hint when Doc is empty.
func (r RuleInfo) Help() string {
	if r.Doc != "" {
		return r.Doc
	}
	return r.Hint
}

// RuleSet indexes rules by ID.
type RuleSet map[string]RuleInfo

// NewRuleSet indexes rules by ID; a later duplicate replaces an earlier one.
func NewRuleSet(rules []RuleInfo) RuleSet {
	s := make(RuleSet, len(rules))
	for _, r := range rules {
		s[r.ID] = r
	}
	return s
}

// Sorted returns the rules sorted by ID.
func (s RuleSet) Sorted() []RuleInfo {
	out := make([]RuleInfo, 0, len(s))
	for _, r := range s {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
