// Package report holds the values every ftprep check produces (findings, per-file
// results, token statistics) and the printers that render them.
package report

import (
	"encoding/json"
	"fmt"
)

// Severity says how bad a finding is.
type Severity int

// Severities, from least to most severe.
const (
	Info Severity = iota
	Warning
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}

// MarshalJSON writes the severity as its name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	case "info":
		*s = Info
	default:
		return fmt.Errorf("unknown severity %q", v)
	}
	return nil
}

// Finding is one problem at one place: a rule, a severity and a position.
// Line is 1-based (0 = the whole file), Column a 1-based byte offset in the
// line (0 = the whole line) and Pointer an RFC 6901 pointer inside the line's JSON.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Pointer  string   `json:"pointer"`
	Message  string   `json:"message"`
	// Excerpt is a short piece of the line around Column (for syntax errors),
	// and ExcerptCol the 1-based byte position of Column inside it; the text
	// printer draws a caret under it. Not part of the JSON contract.
	Excerpt    string `json:"-"`
	ExcerptCol int    `json:"-"`
}

// Bucket is one bar of a token-length histogram: examples with Lo <= tokens < Hi.
type Bucket struct {
	Lo    int `json:"lo"`
	Hi    int `json:"hi"`
	Count int `json:"count"`
}

// TokenStats summarises the token counts of a file's examples.
type TokenStats struct {
	Encoding        string   `json:"encoding"`
	Total           int64    `json:"total"`
	Min             int      `json:"min"`
	Max             int      `json:"max"`
	Mean            float64  `json:"mean"`
	P50             int      `json:"p50"`
	P90             int      `json:"p90"`
	P95             int      `json:"p95"`
	P99             int      `json:"p99"`
	Assistant       int64    `json:"assistant"`
	Trainable       int64    `json:"trainable"`
	OverLimit       int      `json:"over_limit"`
	Limit           int      `json:"limit"`
	Epochs          int      `json:"epochs"`
	EpochsEstimated bool     `json:"epochs_estimated"`
	BilledTokens    int64    `json:"billed_tokens"`
	ImagesUnknown   int      `json:"images_unknown_size,omitempty"`
	Histogram       []Bucket `json:"histogram"`
}

// FileResult is everything ftprep found in one input file.
type FileResult struct {
	Path     string         `json:"path"`
	OK       bool           `json:"ok"`
	Format   string         `json:"format"`
	Bytes    int64          `json:"bytes"`
	Examples int            `json:"examples"`
	BOM      bool           `json:"bom"`
	Findings []Finding      `json:"findings"`
	Counts   map[string]int `json:"counts"`
	Tokens   *TokenStats    `json:"tokens"`
	// Errors and Warnings count the findings by severity (set by Tally, before any cap).
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// Omitted counts, per rule, the findings a per-rule cap left out of Findings
	// (set by CapPerRule; absent when nothing was left out).
	Omitted map[string]int `json:"omitted,omitempty"`
}

// Result is the outcome of validating one or more files.
type Result struct {
	OK    bool         `json:"ok"`
	Files []FileResult `json:"files"`
}
