package report

import (
	"encoding/json"
	"net/url"
	"testing"
)

// TestSARIFStructure checks the constraints of the SARIF 2.1.0 schema that
// our output touches: required properties, level enums, 1-based regions,
// rule indexes that point at the right rule, URI references.
func TestSARIFStructure(t *testing.T) {
	r := fixture()
	r.Files = append(r.Files, FileResult{Path: "dir with space/x#1.jsonl", Findings: []Finding{{Rule: "json-invalid", Severity: Error, Line: 1, Column: 1, Message: "m"}}})
	Process(&r, ProcessOptions{})
	b := render(t, &SARIFPrinter{Rules: testRules(), Target: "openai"}, r)
	var log struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID      string                 `json:"id"`
						Short   struct{ Text string }  `json:"shortDescription"`
						Help    struct{ Text string }  `json:"help"`
						HelpURI string                 `json:"helpUri"`
						Default struct{ Level string } `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string                `json:"ruleId"`
				RuleIndex int                   `json:"ruleIndex"`
				Level     string                `json:"level"`
				Message   struct{ Text string } `json:"message"`
				Locations []struct {
					Physical struct {
						Artifact struct{ URI string } `json:"artifactLocation"`
						Region   struct {
							StartLine   *int `json:"startLine"`
							StartColumn *int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || log.Schema == "" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "ftprep" {
		t.Fatalf("header: %s %s runs=%d", log.Version, log.Schema, len(log.Runs))
	}
	levels := map[string]bool{"none": true, "note": true, "warning": true, "error": true}
	run := log.Runs[0]
	for _, ru := range run.Tool.Driver.Rules {
		if ru.ID == "" || ru.Short.Text == "" || ru.Help.Text == "" || !levels[ru.Default.Level] {
			t.Errorf("rule %+v incomplete", ru)
		}
		if _, err := url.Parse(ru.HelpURI); err != nil {
			t.Errorf("helpUri %q: %v", ru.HelpURI, err)
		}
	}
	n := 0
	for _, f := range r.Files {
		n += len(f.Findings)
	}
	if len(run.Results) != n {
		t.Fatalf("%d results, want %d", len(run.Results), n)
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d points at %s, want %s", res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID)
		}
		if !levels[res.Level] || res.Message.Text == "" || len(res.Locations) != 1 {
			t.Errorf("result %+v incomplete", res)
		}
		reg := res.Locations[0].Physical.Region
		if reg.StartLine == nil || *reg.StartLine < 1 || (reg.StartColumn != nil && *reg.StartColumn < 1) {
			t.Errorf("result %s: bad region %+v", res.RuleID, reg)
		}
		u := res.Locations[0].Physical.Artifact.URI
		if pu, err := url.Parse(u); err != nil || pu.String() != u {
			t.Errorf("artifact URI %q is not a clean URI reference", u)
		}
	}
	// The rule set decides a rule's default level for the target; blank-line is a warning.
	for _, ru := range run.Tool.Driver.Rules {
		if ru.ID == "blank-line" && ru.Default.Level != "warning" {
			t.Errorf("blank-line default level %s", ru.Default.Level)
		}
		if ru.ID == "json-invalid" && (ru.Short.Text != "Each line must be one complete JSON value." || ru.Help.Text != "fix the JSON") {
			t.Errorf("json-invalid short %q help %q", ru.Short.Text, ru.Help.Text)
		}
	}
	if got := artifactURI("dir with space/x#1.jsonl"); got != "dir%20with%20space/x%231.jsonl" {
		t.Errorf("artifactURI = %q", got)
	}
}
