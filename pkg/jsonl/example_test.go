package jsonl_test

import (
	"fmt"
	"strings"

	"github.com/ftprep/ftprep/pkg/jsonl"
)

func ExampleParse() {
	_, err := jsonl.Parse([]byte(`{"messages":[{"role":"user","content":"a\qb"}]}`))
	fmt.Printf("column %d: %s\n", err.Offset+1, err.Msg)

	v, _ := jsonl.Parse([]byte(`{"messages":[{"role":"user","content":"hi"}]}`))
	msg := v.Get("messages").Elems[0]
	fmt.Println(msg.Get("content").Str, "at column", msg.Get("content").Offset+1,
		jsonl.Pointer(jsonl.PointerIndex("/messages", 0), "content"))
	// Output:
	// column 41: invalid escape '\q' in string (valid: \" \\ \/ \b \f \n \r \t \uXXXX)
	// hi at column 39 /messages/0/content
}

// A worker parses the lines of a batch with its own Parser. NextBatch's lines
// are never modified, so AliasLine may point strings into them.
func ExampleReader_NextBatch() {
	r := jsonl.NewReader(strings.NewReader("\uFEFF{\"b\":1, \"a\":[true]}\r\n\n[1,]\n"))
	p := jsonl.Parser{AliasLine: true}
	for {
		batch, err := r.NextBatch(1000, 256<<10)
		if err != nil { // io.EOF at the end
			break
		}
		for _, l := range batch {
			v, serr := p.Parse(l.Data)
			switch {
			case serr != nil:
				fmt.Printf("line %d col %d: %s\n", l.Number, serr.Offset+1, serr.Msg)
			default:
				fmt.Printf("line %d: %s (CRLF %v)\n", l.Number, jsonl.Canonical(nil, v), l.CR)
			}
		}
	}
	fmt.Println("BOM:", r.BOM())
	// Output:
	// line 1: {"a":[true],"b":1} (CRLF true)
	// line 2 col 1: empty line, expected a JSON value
	// line 3 col 4: unexpected ']' after ',' in array, expected a value (no trailing commas)
	// BOM: true
}
