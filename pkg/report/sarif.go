package report

import (
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
)

// SARIF 2.1.0 constants.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	toolURI      = "https://github.com/ftprep/ftprep"
)

// SARIFPrinter writes a SARIF 2.1.0 log (one run) for code scanning: the
// rules that occur, with help text, and one result per finding with its
// region. Whole-file findings (line 0) point at line 1. Columns are 1-based
// byte offsets, which equal the SARIF default for ASCII lines.
type SARIFPrinter struct {
	Rules   RuleSet // descriptions and default levels; rules not in it get a generic entry
	Version string  // tool version ("" = "dev")
	Target  string  // which level column of Rules is the default level
}

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string             `json:"id"`
	ShortDescription sarifText          `json:"shortDescription"`
	FullDescription  sarifText          `json:"fullDescription"`
	Help             sarifText          `json:"help"`
	HelpURI          string             `json:"helpUri"`
	Default          sarifConfiguration `json:"defaultConfiguration"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	Physical sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// sarifLevelName maps a RuleInfo level to a SARIF level ("off" is "none").
func sarifLevelName(l string) string {
	switch l {
	case LevelError:
		return "error"
	case LevelWarning:
		return "warning"
	case LevelOff:
		return "none"
	}
	return "note"
}

// Print writes r as SARIF.
func (p *SARIFPrinter) Print(w io.Writer, r Result) error {
	ids := map[string]Severity{}
	for _, f := range r.Files {
		for _, x := range f.Findings {
			if s, ok := ids[x.Rule]; !ok || x.Severity > s {
				ids[x.Rule] = x.Severity
			}
		}
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	index := make(map[string]int, len(sorted))
	rules := make([]sarifRule, len(sorted))
	for i, id := range sorted {
		index[id] = i
		rules[i] = p.rule(id, ids[id])
	}
	results := []sarifResult{}
	for _, f := range r.Files {
		uri := artifactURI(f.Path)
		for _, x := range f.Findings {
			region := sarifRegion{StartLine: max(1, x.Line)}
			if x.Line > 0 {
				region.StartColumn = x.Column
			}
			msg := x.Message
			if x.Pointer != "" {
				msg += " (" + x.Pointer + ")"
			}
			results = append(results, sarifResult{
				RuleID: x.Rule, RuleIndex: index[x.Rule], Level: sarifLevel(x.Severity),
				Message:   sarifText{msg},
				Locations: []sarifLocation{{Physical: sarifPhysical{Artifact: sarifArtifact{URI: uri}, Region: region}}},
			})
		}
	}
	version := p.Version
	if version == "" {
		version = "dev"
	}
	return writeJSON(w, sarifLog{Version: sarifVersion, Schema: sarifSchema, Runs: []sarifRun{{
		Tool:    sarifTool{Driver: sarifDriver{Name: "ftprep", Version: version, InformationURI: toolURI, Rules: rules}},
		Results: results,
	}}})
}

// rule describes id from the rule set (shortDescription: what the rule
// checks; help: how to fix it), or generically when the set lacks it.
func (p *SARIFPrinter) rule(id string, seen Severity) sarifRule {
	ri, ok := p.Rules[id]
	level := sarifLevel(seen)
	short, full, help := "ftprep rule "+id, "ftprep rule "+id, "See `ftprep rules` for the fix."
	if ok {
		if l := ri.Level(p.Target); l != "" && l != LevelOff {
			level = sarifLevelName(l)
		}
		short, full, help = ri.Help(), ri.Help(), ri.Hint
		if ri.Doc != "" && ri.Hint != "" {
			full = strings.TrimSuffix(ri.Doc, ".") + ". Fix: " + ri.Hint
		}
		if help == "" {
			help = short
		}
	}
	return sarifRule{
		ID: id, ShortDescription: sarifText{short}, FullDescription: sarifText{full}, Help: sarifText{help},
		HelpURI: toolURI + "/blob/main/docs/validate.md#rules", Default: sarifConfiguration{Level: level},
	}
}

// artifactURI turns a path into a relative or absolute URI reference
// (slashes, percent-escaped); standard input is "stdin".
func artifactURI(path string) string {
	if path == "-" {
		return "stdin"
	}
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}
