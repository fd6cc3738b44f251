package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ANSI escapes used by the text printer.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// histogramWidth is the length of the longest histogram bar, in characters.
const histogramWidth = 30

// TextPrinter writes findings as `file:line:col: severity rule: message (pointer)`,
// an excerpt with a caret under syntax errors, "N more" lines for capped rules,
// then a summary per file (examples, format, BOM, findings per rule, token
// statistics, histogram, billed-token estimate).
type TextPrinter struct {
	Color bool // ANSI colours
	Quiet bool // findings only
}

func (p *TextPrinter) paint(code, s string) string {
	if !p.Color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// Print writes r.
func (p *TextPrinter) Print(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	for i := range r.Files {
		f := &r.Files[i]
		for _, x := range f.Findings {
			p.finding(bw, DisplayPath(f.Path), x)
		}
		p.omitted(bw, f)
		if !p.Quiet {
			p.summary(bw, f)
		}
	}
	if !p.Quiet && len(r.Files) > 1 {
		fmt.Fprintf(bw, "%d files: %s, %s\n", len(r.Files), plural(r.Errors(), "error"), plural(r.Warnings(), "warning"))
	}
	return bw.Flush()
}

// Position renders path:line:col, leaving out a 0 line or column.
func Position(path string, line, col int) string {
	s := path
	if line > 0 {
		s += ":" + strconv.Itoa(line)
		if col > 0 {
			s += ":" + strconv.Itoa(col)
		}
	}
	return s
}

func (p *TextPrinter) severity(s Severity) string {
	switch s {
	case Error:
		return p.paint(ansiBold+ansiRed, "error")
	case Warning:
		return p.paint(ansiBold+ansiYellow, "warning")
	}
	return p.paint(ansiBold+ansiCyan, "info")
}

func (p *TextPrinter) finding(w io.Writer, path string, x Finding) {
	msg := x.Message
	if x.Pointer != "" {
		msg += " " + p.paint(ansiDim, "("+x.Pointer+")")
	}
	fmt.Fprintf(w, "%s: %s %s: %s\n", p.paint(ansiBold, Position(path, x.Line, x.Column)),
		p.severity(x.Severity), p.paint(ansiDim, x.Rule), msg)
	if x.Excerpt != "" {
		text, caret := visible(x.Excerpt, max(0, x.ExcerptCol-1))
		fmt.Fprintf(w, "    %s\n    %s%s\n", text, strings.Repeat(" ", caret), p.paint(ansiBold+ansiGreen, "^"))
	}
}

func (p *TextPrinter) omitted(w io.Writer, f *FileResult) {
	for _, r := range sortedKeys(f.Omitted) {
		fmt.Fprintf(w, "%s: %s more %s findings not shown (--max-findings 0 shows all)\n", DisplayPath(f.Path), group(int64(f.Omitted[r])), r)
	}
}

func (p *TextPrinter) summary(w io.Writer, f *FileResult) {
	status := p.paint(ansiBold+ansiGreen, "OK")
	if !f.OK {
		status = p.paint(ansiBold+ansiRed, "FAILED")
	}
	format := f.Format
	if format == "" {
		format = "unknown format"
	}
	bom := "no BOM"
	if f.BOM {
		bom = "BOM"
	}
	fmt.Fprintf(w, "%s: %s — %s, %s, %s bytes, %s\n", p.paint(ansiBold, DisplayPath(f.Path)), status,
		plural(f.Examples, "example"), format, group(f.Bytes), bom)
	fmt.Fprintf(w, "  %s, %s", plural(f.Errors, "error"), plural(f.Warnings, "warning"))
	if len(f.Counts) > 0 {
		rules := sortedKeys(f.Counts)
		parts := make([]string, len(rules))
		for i, r := range rules {
			parts[i] = r + " " + group(int64(f.Counts[r]))
		}
		fmt.Fprintf(w, ": %s", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	if t := f.Tokens; t != nil {
		tokenSummary(w, t, f.Examples)
	}
}

// tokenSummary writes the token statistics, histogram and billed-token estimate.
func tokenSummary(w io.Writer, t *TokenStats, examples int) {
	fmt.Fprintf(w, "  tokens (%s): total %s · min %s · mean %s · p50 %s · p90 %s · p95 %s · p99 %s · max %s\n",
		t.Encoding, group(t.Total), group(int64(t.Min)), strconv.FormatFloat(t.Mean, 'f', -1, 64),
		group(int64(t.P50)), group(int64(t.P90)), group(int64(t.P95)), group(int64(t.P99)), group(int64(t.Max)))
	fmt.Fprintf(w, "  assistant %s · trainable %s · over the %s-token limit: %s",
		group(t.Assistant), group(t.Trainable), group(int64(t.Limit)), group(int64(t.OverLimit)))
	if t.OverLimit > 0 {
		fmt.Fprintf(w, " (truncated by the service)")
	}
	fmt.Fprintln(w)
	if t.ImagesUnknown > 0 {
		fmt.Fprintf(w, "  %s of unknown size (URLs) counted as 85 tokens each\n", plural(t.ImagesUnknown, "image"))
	}
	writeHistogram(w, t.Histogram, "    ")
	how := "set by --epochs"
	if t.EpochsEstimated {
		how = "estimated like the service's automatic choice"
	}
	fmt.Fprintf(w, "  billed tokens ≈ %s: %s (%s) × Σ min(%s, example tokens)\n",
		group(t.BilledTokens), plural(t.Epochs, "epoch"), how, group(int64(t.Limit)))
}

// writeHistogram draws one text bar per bucket, scaled to the largest.
func writeHistogram(w io.Writer, hist []Bucket, indent string) {
	if len(hist) == 0 {
		return
	}
	most, labelW, countW := 0, 0, 0
	labels := make([]string, len(hist))
	for i, b := range hist {
		most = max(most, b.Count)
		labels[i] = bucketLabel(b)
		labelW = max(labelW, len(labels[i]))
		countW = max(countW, len(group(int64(b.Count))))
	}
	for i, b := range hist {
		n := 0
		if most > 0 {
			n = (b.Count*histogramWidth + most - 1) / most
		}
		bar := strings.Repeat("█", n) + strings.Repeat(" ", histogramWidth-n)
		fmt.Fprintf(w, "%s%*s tokens %s %*s\n", indent, labelW, labels[i], bar, countW, group(int64(b.Count)))
	}
}

// bucketLabel renders a bucket's range: Lo-(Hi-1), or just Lo for a one-value bucket.
func bucketLabel(b Bucket) string {
	if b.Hi-b.Lo <= 1 {
		return group(int64(b.Lo))
	}
	return group(int64(b.Lo)) + "-" + group(int64(b.Hi-1))
}
