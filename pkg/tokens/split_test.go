package tokens

import (
	"reflect"
	"strconv"
	"testing"
)

func split(next func(string, int) int, s string) []string {
	var out []string
	for i := 0; i < len(s); {
		end := next(s, i)
		out = append(out, s[i:end])
		i = end
	}
	return out
}

// TestSplit pins piece boundaries for the backtracking cases of the patterns.
func TestSplit(t *testing.T) {
	for _, c := range []struct {
		enc  string
		in   string
		want []string
	}{
		{"o200k", "Hello world", []string{"Hello", " world"}},
		{"o200k", "  x", []string{" ", " x"}},                       // \s+(?!\S) gives one space back
		{"o200k", "a  \n\n  b", []string{"a", "  \n\n", " ", " b"}}, // \s*[\r\n]+ ends after the last newline
		{"o200k", "x \n \t", []string{"x", " \n", " \t"}},           // trailing white space at the end of text
		{"o200k", "HTTPServer", []string{"HTTPServer"}},             // U* then L+
		{"o200k", "ABCdef", []string{"ABCdef"}},
		{"o200k", "abcDEF", []string{"abc", "DEF"}},
		{"o200k", "don't", []string{"don't"}},
		{"o200k", "DON'T", []string{"DON'T"}},
		{"o200k", "it'ſ", []string{"it'ſ"}}, // ſ folds to s
		{"o200k", "it's'd", []string{"it's", "'d"}},
		{"o200k", "12345", []string{"123", "45"}},
		{"o200k", "a+\n/\nb", []string{"a", "+\n/\n", "b"}}, // [\r\n/]* tail
		{"o200k", " !!x", []string{" !!", "x"}},
		{"o200k", "\u0301abc", []string{"\u0301abc"}}, // a mark joins the letters
		{"o200k", "x\u00a0\u00a0y", []string{"x", "\u00a0", "\u00a0y"}},
		{"o200k", "\uFEFFword", []string{"\uFEFFword"}}, // U+FEFF is not white space
		{"o200k", "a\r\n\r\nb", []string{"a", "\r\n\r\n", "b"}},
		{"cl100k", "Hello world", []string{"Hello", " world"}},
		{"cl100k", "don't", []string{"don", "'t"}},
		{"cl100k", "DON'T", []string{"DON", "'T"}},
		{"cl100k", "'ſ x", []string{"'ſ", " x"}},
		{"cl100k", "a\u0301b", []string{"a", "\u0301b"}}, // marks are not \p{L}
		{"cl100k", "a+\n/\nb", []string{"a", "+\n", "/\n", "b"}},
		{"cl100k", "12345", []string{"123", "45"}},
		{"cl100k", "  x", []string{" ", " x"}},
	} {
		next := nextO200k
		if c.enc == "cl100k" {
			next = nextCl100k
		}
		if got := split(next, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %s: got %s, want %s", c.enc, strconv.Quote(c.in), quoteAll(got), quoteAll(c.want))
		}
	}
}

func quoteAll(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += strconv.Quote(s)
	}
	return out + "]"
}

func TestGetUnknown(t *testing.T) {
	if _, err := Get("p50k_base"); err == nil {
		t.Fatal("Get(p50k_base): want an error")
	}
	e1, err := Get("o200k_base")
	if err != nil {
		t.Fatal(err)
	}
	e2, _ := Get("o200k_base")
	if e1 != e2 {
		t.Error("Get returns a new encoder each time; want one shared per process")
	}
	if e1.Name() != "o200k_base" || len(e1.SpecialTokens()) != 2 {
		t.Errorf("Name/SpecialTokens = %q %q", e1.Name(), e1.SpecialTokens())
	}
	if n := e1.Count(""); n != 0 {
		t.Errorf("Count(\"\") = %d", n)
	}
	if n := e1.Count("<|endoftext|>"); n != 7 {
		t.Errorf("Count(<|endoftext|>) = %d, want 7 (special tokens count as text)", n)
	}
}
