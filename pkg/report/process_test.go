package report

import (
	"reflect"
	"testing"
)

func f(rule string, sev Severity, line, col int) Finding {
	return Finding{Rule: rule, Severity: sev, Line: line, Column: col, Message: rule}
}

func rulesOf(fs []Finding) []string {
	out := []string{}
	for _, x := range fs {
		out = append(out, x.Rule)
	}
	return out
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{f("c", Error, 3, 1), f("a", Error, 1, 9), f("b", Warning, 1, 2), f("z", Error, 0, 0), f("d", Error, 1, 2)}
	SortFindings(fs)
	want := []string{"z", "b", "d", "a", "c"} // line, column; ties keep input order (b before d)
	if got := rulesOf(fs); !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestApplyTarget(t *testing.T) {
	rules := NewRuleSet([]RuleInfo{
		{ID: "bom-missing", Azure: LevelError, OpenAI: LevelOff},
		{ID: "json-invalid", Azure: LevelError, OpenAI: LevelError},
	})
	for _, tc := range []struct {
		target string
		want   []string
	}{
		{"azure", []string{"bom-missing", "json-invalid", "unlisted"}},
		{"", []string{"bom-missing", "json-invalid", "unlisted"}},
		{"openai", []string{"json-invalid", "unlisted"}},
	} {
		fr := FileResult{Findings: []Finding{f("bom-missing", Error, 0, 0), f("json-invalid", Error, 2, 1), f("unlisted", Warning, 3, 0)}}
		ApplyTarget(&fr, rules, tc.target)
		if got := rulesOf(fr.Findings); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("target %q: %v, want %v", tc.target, got, tc.want)
		}
	}
}

func TestTallyAndCap(t *testing.T) {
	fr := FileResult{}
	for i := 1; i <= 5; i++ {
		fr.Findings = append(fr.Findings, f("json-invalid", Error, i, 1))
	}
	fr.Findings = append(fr.Findings, f("blank-line", Warning, 6, 0), f("blank-line", Warning, 7, 0))
	Tally(&fr)
	if fr.OK || fr.Errors != 5 || fr.Warnings != 2 || fr.Counts["json-invalid"] != 5 || fr.Counts["blank-line"] != 2 {
		t.Fatalf("tally: ok=%v errors=%d warnings=%d counts=%v", fr.OK, fr.Errors, fr.Warnings, fr.Counts)
	}
	CapPerRule(&fr, 2)
	if got, want := rulesOf(fr.Findings), []string{"json-invalid", "json-invalid", "blank-line", "blank-line"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("capped %v, want %v", got, want)
	}
	if fr.Findings[1].Line != 2 {
		t.Errorf("cap kept line %d, want the first two (line 2)", fr.Findings[1].Line)
	}
	if !reflect.DeepEqual(fr.Omitted, map[string]int{"json-invalid": 3}) {
		t.Errorf("omitted %v", fr.Omitted)
	}
	if fr.Counts["json-invalid"] != 5 || fr.Errors != 5 {
		t.Errorf("counts changed by the cap: %v, %d errors", fr.Counts, fr.Errors)
	}
}

func TestCapZeroKeepsAll(t *testing.T) {
	fr := FileResult{Findings: []Finding{f("a", Error, 1, 1), f("a", Error, 2, 1)}}
	CapPerRule(&fr, 0)
	if len(fr.Findings) != 2 || fr.Omitted != nil {
		t.Fatalf("cap 0: %d findings, omitted %v", len(fr.Findings), fr.Omitted)
	}
}

func TestTallyEmptyIsNotNull(t *testing.T) {
	fr := FileResult{Tokens: &TokenStats{}}
	Tally(&fr)
	if fr.Findings == nil || fr.Counts == nil || fr.Tokens.Histogram == nil || !fr.OK {
		t.Fatalf("nil left: %+v", fr)
	}
}

func TestAddQuotaWarning(t *testing.T) {
	for _, tc := range []struct {
		name   string
		billed int64
		target string
		pre    bool
		want   int
	}{
		{"under", QuotaTokens, "azure", false, 0},
		{"over azure", QuotaTokens + 1, "azure", false, 1},
		{"over openai", QuotaTokens + 1, "openai", false, 0},
		{"already reported", QuotaTokens + 1, "azure", true, 1},
	} {
		fr := FileResult{Tokens: &TokenStats{BilledTokens: tc.billed}}
		if tc.pre {
			fr.Findings = []Finding{f(QuotaRule, Warning, 0, 0)}
		}
		AddQuotaWarning(&fr, tc.target)
		n := 0
		for _, x := range fr.Findings {
			if x.Rule == QuotaRule && x.Severity == Warning && x.Line == 0 {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%s: %d quota warnings, want %d", tc.name, n, tc.want)
		}
	}
	fr := FileResult{}
	AddQuotaWarning(&fr, "azure") // no token statistics: nothing to judge
	if len(fr.Findings) != 0 {
		t.Errorf("quota warning without tokens")
	}
}

func TestProcessAndFailed(t *testing.T) {
	r := Result{Files: []FileResult{
		{Path: "a", Findings: []Finding{f("blank-line", Warning, 2, 0)}},
		{Path: "b", Findings: []Finding{f("bom-missing", Error, 0, 0)}},
	}}
	rules := NewRuleSet([]RuleInfo{{ID: "bom-missing", Azure: LevelError, OpenAI: LevelOff}})
	azure := r
	azure.Files = append([]FileResult(nil), r.Files...)
	for i := range azure.Files {
		azure.Files[i].Findings = append([]Finding(nil), r.Files[i].Findings...)
	}
	Process(&azure, ProcessOptions{Target: "azure", Rules: rules})
	if azure.OK || !azure.Failed(false) || azure.Errors() != 1 || azure.Warnings() != 1 {
		t.Errorf("azure: ok=%v failed=%v errors=%d warnings=%d", azure.OK, azure.Failed(false), azure.Errors(), azure.Warnings())
	}
	Process(&r, ProcessOptions{Target: "openai", Rules: rules})
	if !r.OK || r.Failed(false) || !r.Failed(true) {
		t.Errorf("openai: ok=%v failed=%v strict=%v", r.OK, r.Failed(false), r.Failed(true))
	}
	empty := Result{}
	Process(&empty, ProcessOptions{})
	if empty.Files == nil || !empty.OK {
		t.Errorf("empty result: %+v", empty)
	}
}

func TestGroupAndVisible(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -2500: "-2,500"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
	// The caret column counts runes, not bytes; control bytes and bad UTF-8 are made visible.
	text, caret := visible("{\"é\":\x01\xff}", 7)
	if text != "{\"é\":·\uFFFD}" || caret != 6 {
		t.Errorf("visible = %q, caret %d", text, caret)
	}
}
