package split

import (
	"testing"

	"github.com/ftprep/ftprep/pkg/jsonl"
)

func mustParse(t *testing.T, s string) *jsonl.Value {
	t.Helper()
	v, err := parse([]byte(s))
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}
