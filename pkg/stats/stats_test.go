package stats

import (
	"reflect"
	"testing"

	"github.com/ftprep/ftprep/pkg/report"
)

func TestEstimateEpochs(t *testing.T) {
	for n, want := range map[int]int{1: 25, 3: 25, 10: 10, 33: 3, 34: 3, 100: 3, 8333: 3, 8334: 2, 12500: 2, 30000: 1} {
		if got := EstimateEpochs(n); got != want {
			t.Errorf("EstimateEpochs(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestNearestRank(t *testing.T) {
	v := []int{15, 20, 35, 40, 50}
	for p, want := range map[float64]int{5: 15, 30: 20, 40: 20, 50: 35, 100: 50} {
		if got := NearestRank(v, p); got != want {
			t.Errorf("p%v = %d, want %d", p, got, want)
		}
	}
}

func TestCompute(t *testing.T) {
	ex := []Example{{Tokens: 10, Assistant: 4, Trainable: 4}, {Tokens: 3, Assistant: 1}, {Tokens: 100, Assistant: 50, Trainable: 20}}
	s := Compute(ex, Options{Encoding: "o200k_base", Limit: 50, Epochs: 2})
	if s.Total != 113 || s.Min != 3 || s.Max != 100 || s.P50 != 10 || s.OverLimit != 1 || s.Assistant != 55 || s.Trainable != 24 {
		t.Fatalf("stats = %+v", s)
	}
	if s.BilledTokens != 2*(10+3+50) || s.EpochsEstimated {
		t.Fatalf("billed = %d estimated=%v", s.BilledTokens, s.EpochsEstimated)
	}
	want := []report.Bucket{{Lo: 2, Hi: 4, Count: 1}, {Lo: 4, Hi: 8}, {Lo: 8, Hi: 16, Count: 1}, {Lo: 16, Hi: 32}, {Lo: 32, Hi: 64}, {Lo: 64, Hi: 128, Count: 1}}
	if !reflect.DeepEqual(s.Histogram, want) {
		t.Fatalf("histogram = %v", s.Histogram)
	}
	if e := Compute(nil, Options{}); e.Histogram == nil || e.Epochs != 3 || !e.EpochsEstimated {
		t.Fatalf("empty = %+v", e)
	}
}
