package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressMinBytes is the input size from which validate shows a progress bar (on a terminal only).
const progressMinBytes = 50 << 20

// progressBar draws "name  42% [=====>    ] 215/512 MiB" on one terminal line,
// at most every progressEvery.
type progressBar struct {
	w     io.Writer
	name  string
	total int64
	last  time.Time
	drawn bool
}

const (
	progressEvery = 100 * time.Millisecond
	progressWidth = 30
)

func newProgressBar(w io.Writer, name string, total int64) *progressBar {
	return &progressBar{w: w, name: name, total: total}
}

// update redraws the bar for read bytes (called from one goroutine).
func (p *progressBar) update(read int64) {
	now := time.Now()
	if p.drawn && now.Sub(p.last) < progressEvery {
		return
	}
	p.last, p.drawn = now, true
	fmt.Fprint(p.w, "\r"+progressLine(p.name, read, p.total)+"\x1b[K")
}

// done clears the bar's line.
func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// progressLine renders the bar's text for read of total bytes.
func progressLine(name string, read, total int64) string {
	if total <= 0 {
		return fmt.Sprintf("%s %d MiB", name, read>>20)
	}
	read = min(read, total)
	pct := int(read * 100 / total)
	n := int(read * progressWidth / total)
	bar := strings.Repeat("=", n)
	if n < progressWidth {
		bar += ">" + strings.Repeat(" ", progressWidth-n-1)
	}
	return fmt.Sprintf("%s %3d%% [%s] %d/%d MiB", name, pct, bar, read>>20, total>>20)
}
