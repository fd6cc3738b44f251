package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// PrintRules writes the rule table: ID, level under azure and openai, and the fix hint.
func PrintRules(w io.Writer, rules []RuleInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tAZURE\tOPENAI\tHINT")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Azure, r.OpenAI, r.Hint)
	}
	return tw.Flush()
}

// PrintRulesJSON writes the rules as a JSON array ([] when empty).
func PrintRulesJSON(w io.Writer, rules []RuleInfo) error {
	if rules == nil {
		rules = []RuleInfo{}
	}
	return writeJSON(w, rules)
}

// StatsFile is one file in `ftprep stats --format json`.
type StatsFile struct {
	Path     string      `json:"path"`
	Format   string      `json:"format"`
	Examples int         `json:"examples"`
	Tokens   *TokenStats `json:"tokens"`
}

// StatsResult is the JSON `ftprep stats` writes.
type StatsResult struct {
	Files []StatsFile `json:"files"`
}

// Stats extracts the token statistics of r's files.
func Stats(r Result) StatsResult {
	out := StatsResult{Files: make([]StatsFile, 0, len(r.Files))}
	for _, f := range r.Files {
		out.Files = append(out.Files, StatsFile{Path: f.Path, Format: f.Format, Examples: f.Examples, Tokens: f.Tokens})
	}
	return out
}

// PrintStatsJSON writes the token statistics of r's files as JSON.
func PrintStatsJSON(w io.Writer, r Result) error { return writeJSON(w, Stats(r)) }

// PrintStats writes one table with a column per file, so training and
// validation files compare side by side, then each file's histogram.
func PrintStats(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name string, cell func(t *TokenStats, f *FileResult) string) {
		cells := []string{name}
		for i := range r.Files {
			f := &r.Files[i]
			if f.Tokens == nil && name != "examples" {
				cells = append(cells, "-")
				continue
			}
			cells = append(cells, cell(f.Tokens, f))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	num := func(get func(t *TokenStats) int64) func(*TokenStats, *FileResult) string {
		return func(t *TokenStats, _ *FileResult) string { return group(get(t)) }
	}
	header := []string{""}
	for _, f := range r.Files {
		header = append(header, DisplayPath(f.Path))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	row("examples", func(_ *TokenStats, f *FileResult) string { return group(int64(f.Examples)) })
	row("encoding", func(t *TokenStats, _ *FileResult) string { return t.Encoding })
	row("total tokens", num(func(t *TokenStats) int64 { return t.Total }))
	row("min", num(func(t *TokenStats) int64 { return int64(t.Min) }))
	row("mean", func(t *TokenStats, _ *FileResult) string { return strconv.FormatFloat(t.Mean, 'f', 2, 64) })
	row("p50", num(func(t *TokenStats) int64 { return int64(t.P50) }))
	row("p90", num(func(t *TokenStats) int64 { return int64(t.P90) }))
	row("p95", num(func(t *TokenStats) int64 { return int64(t.P95) }))
	row("p99", num(func(t *TokenStats) int64 { return int64(t.P99) }))
	row("max", num(func(t *TokenStats) int64 { return int64(t.Max) }))
	row("assistant tokens", num(func(t *TokenStats) int64 { return t.Assistant }))
	row("trainable tokens", num(func(t *TokenStats) int64 { return t.Trainable }))
	row("token limit", num(func(t *TokenStats) int64 { return int64(t.Limit) }))
	row("over limit", num(func(t *TokenStats) int64 { return int64(t.OverLimit) }))
	row("epochs", func(t *TokenStats, _ *FileResult) string {
		if t.EpochsEstimated {
			return strconv.Itoa(t.Epochs) + " (estimate)"
		}
		return strconv.Itoa(t.Epochs)
	})
	row("billed tokens", num(func(t *TokenStats) int64 { return t.BilledTokens }))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range r.Files {
		if f.Tokens == nil || len(f.Tokens.Histogram) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s: example lengths\n", DisplayPath(f.Path))
		writeHistogram(bw, f.Tokens.Histogram, "  ")
	}
	fmt.Fprintln(bw, "\nbilled tokens = epochs × Σ min(limit, example tokens); epochs marked (estimate) follow the cookbook's rule for the service's automatic choice")
	return bw.Flush()
}
