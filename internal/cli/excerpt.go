package cli

import (
	"sync/atomic"
	"unicode/utf8"

	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/report"
)

// Excerpts for syntax errors: the engine returns byte offsets; the text report
// shows the line around the column with a caret (house style 11). A hook on the
// validator's workers keeps a short window of each line that fails strict
// parsing, so excerpts cost nothing on clean lines and work on standard input.
const (
	excerptRadius   = 40     // bytes kept on each side of the error
	maxExcerptParse = 10_000 // failing lines re-parsed per file for an excerpt, at most
	excerptEllipsis = "…"
)

// excerptRules are the rules whose findings get an excerpt.
var excerptRules = map[string]bool{"json-invalid": true, "utf8-invalid": true}

// lineExcerpt is a window of one line: text starts at byte start of the line.
type lineExcerpt struct {
	text       string
	start      int
	head, tail bool // the line continues before / after the window
}

// excerptCollector gathers windows of failing lines for one file.
type excerptCollector struct {
	tries atomic.Int64
	lines map[int]lineExcerpt // by line number; written by OnLine only
}

func newExcerptCollector() *excerptCollector {
	return &excerptCollector{lines: map[int]lineExcerpt{}}
}

// hook runs on the validator's workers: for a line with errors it re-parses
// the line and keeps the window around the syntax error, if there is one.
func (c *excerptCollector) hook(raw []byte, ok bool) any {
	if ok || c.tries.Add(1) > maxExcerptParse {
		return nil
	}
	_, serr := jsonl.Parse(raw)
	if serr == nil {
		return nil
	}
	return window(raw, serr.Offset)
}

// onLine runs in line order on one goroutine and files the hook's window.
func (c *excerptCollector) onLine(n int, h any) {
	if ex, ok := h.(lineExcerpt); ok {
		c.lines[n] = ex
	}
}

// window copies up to excerptRadius bytes on each side of off, cut at UTF-8
// rune boundaries where the bytes are valid UTF-8.
func window(raw []byte, off int) lineExcerpt {
	off = max(0, min(off, len(raw)))
	start, end := max(0, off-excerptRadius), min(len(raw), off+excerptRadius)
	for start < off && !utf8.RuneStart(raw[start]) {
		start++
	}
	for end > off && end < len(raw) && !utf8.RuneStart(raw[end]) {
		end--
	}
	return lineExcerpt{text: string(raw[start:end]), start: start, head: start > 0, tail: end < len(raw)}
}

// attachExcerpts fills Excerpt and ExcerptCol of the syntax findings of f that
// lack one and whose column falls inside a collected window.
func attachExcerpts(f *report.FileResult, c *excerptCollector) {
	if c == nil {
		return
	}
	for i := range f.Findings {
		x := &f.Findings[i]
		if x.Excerpt != "" || x.Column <= 0 || !excerptRules[x.Rule] {
			continue
		}
		ex, ok := c.lines[x.Line]
		if !ok {
			continue
		}
		off := x.Column - 1
		if off < ex.start || off > ex.start+len(ex.text) {
			continue
		}
		text, col := ex.text, off-ex.start+1
		if ex.head {
			text, col = excerptEllipsis+text, col+len(excerptEllipsis)
		}
		if ex.tail {
			text += excerptEllipsis
		}
		x.Excerpt, x.ExcerptCol = text, col
	}
}
