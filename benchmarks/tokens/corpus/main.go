// Command corpus writes a benchmark corpus of real text nobody here wrote:
// -kind real: Go sources and docs from GOROOT plus /usr/share/doc;
// -kind multi: a multilingual mix (npm @faker-js locale word lists for non-English
// locales, Python's CJK test texts, Go sources containing non-ASCII text).
// Files are taken in sorted order, never repeated, until -mib MiB are written, so
// the output is deterministic for a given machine.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"unicode/utf8"
)

func main() {
	kind := flag.String("kind", "real", "real or multi")
	mib := flag.Int("mib", 64, "size in MiB")
	out := flag.String("o", "", "output file (default stdout)")
	nodeDir := flag.String("node", os.Getenv("FTPREP_NODE_DIR"), "tools/node directory (faker locales)")
	flag.Parse()
	if *nodeDir == "" {
		*nodeDir = "tools/node"
	}
	var files []string
	goroot := runtime.GOROOT()
	switch *kind {
	case "real":
		files = collect(filepath.Join(goroot, "src"), func(p string) bool { return strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".md") })
		files = append(files, collect(filepath.Join(goroot, "doc"), func(string) bool { return true })...)
		files = append(files, collect("/usr/share/doc", func(p string) bool { return !strings.HasSuffix(p, ".gz") })...)
	case "multi":
		files = collect(filepath.Join(*nodeDir, "node_modules", "@faker-js", "faker", "dist", "cjs", "locales"), func(p string) bool {
			return strings.HasSuffix(p, ".js") && !strings.Contains(p, "/en")
		})
		for _, pat := range []string{"/root/.pyenv/versions/*/lib/python3*/test/cjkencodings/*-utf8.txt", "/usr/lib/python3*/test/cjkencodings/*-utf8.txt"} {
			m, _ := filepath.Glob(pat)
			files = append(files, m...)
		}
		files = append(files, collect(filepath.Join(goroot, "src"), func(p string) bool {
			if !strings.HasSuffix(p, ".go") {
				return false
			}
			b, err := os.ReadFile(p)
			return err == nil && nonASCII(b) > len(b)/20
		})...)
	default:
		fmt.Fprintln(os.Stderr, "corpus: -kind must be real or multi")
		os.Exit(2)
	}
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "corpus: no input files found")
		os.Exit(1)
	}
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	defer bw.Flush()
	// Files are never repeated: a repeated text would be counted warm.
	want := *mib << 20
	n := 0
	for _, p := range files {
		if n >= want {
			break
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) == 0 || len(b) > 8<<20 || !utf8.Valid(b) {
			continue
		}
		if n+len(b) > want {
			b = b[:want-n]
			for len(b) > 0 && !utf8.Valid(b) {
				b = b[:len(b)-1]
			}
		}
		bw.Write(b)
		n += len(b)
	}
	if n < want {
		fmt.Fprintf(os.Stderr, "corpus: only %.1f MiB of %s text available\n", float64(n)/(1<<20), *kind)
	}
}

func collect(root string, keep func(string) bool) []string {
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && keep(p) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func nonASCII(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= 0x80 {
			n++
		}
	}
	return n
}
