package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// GitHubPrinter writes GitHub Actions workflow commands, one annotation per
// finding (`::error file=F,line=L,col=C,title=RULE::message`), then one plain
// summary line per file.
type GitHubPrinter struct{}

// Print writes r as workflow commands.
func (GitHubPrinter) Print(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	for _, f := range r.Files {
		path := DisplayPath(f.Path)
		plain := ghData(path) // a newline in a file name must not start a fake command
		for _, x := range f.Findings {
			cmd := "notice"
			switch x.Severity {
			case Error:
				cmd = "error"
			case Warning:
				cmd = "warning"
			}
			props := []string{"file=" + ghProperty(path)}
			if x.Line > 0 {
				props = append(props, "line="+strconv.Itoa(x.Line))
				if x.Column > 0 {
					props = append(props, "col="+strconv.Itoa(x.Column))
				}
			}
			props = append(props, "title="+ghProperty("ftprep "+x.Rule))
			msg := x.Rule + ": " + x.Message
			if x.Pointer != "" {
				msg += " (" + x.Pointer + ")"
			}
			fmt.Fprintf(bw, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(msg))
		}
		for _, rule := range sortedKeys(f.Omitted) {
			fmt.Fprintf(bw, "ftprep: %s: %s more %s findings not shown\n", plain, group(int64(f.Omitted[rule])), ghData(rule))
		}
		fmt.Fprintf(bw, "ftprep: %s: %s, %s, %s\n", plain, plural(f.Examples, "example"),
			plural(f.Errors, "error"), plural(f.Warnings, "warning"))
	}
	return bw.Flush()
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
