// Package stats turns per-example token counts into the statistics, epoch
// estimate and billed-token figure that validate and stats report.
package stats

import (
	"math"
	"sort"

	"github.com/ftprep/ftprep/pkg/report"
)

// Example is the token accounting of one example.
type Example struct {
	Tokens    int // whole example (cookbook formula)
	Assistant int // tokens in assistant messages' content
	Trainable int // tokens in assistant messages whose weight is not 0
}

// Options set the model limit and epochs.
type Options struct {
	Encoding string
	Limit    int // training-example token limit
	Epochs   int // 0 = the cookbook's automatic estimate
}

// Cookbook constants for the automatic epoch estimate.
const (
	targetEpochs      = 3
	minTargetExamples = 100
	maxTargetExamples = 25000
	minDefaultEpochs  = 1
	maxDefaultEpochs  = 25
)

// EstimateEpochs returns the cookbook's estimate of the service's automatic
// epoch count for n examples: 3, more when n·3 < 100, fewer when n·3 > 25,000,
// clamped to 1..25.
func EstimateEpochs(n int) int {
	if n <= 0 {
		return targetEpochs
	}
	e := targetEpochs
	if n*e < minTargetExamples {
		e = min(maxDefaultEpochs, minTargetExamples/n)
	} else if n*e > maxTargetExamples {
		e = max(minDefaultEpochs, maxTargetExamples/n)
	}
	return e
}

// Compute summarises examples. Percentiles are nearest-rank.
func Compute(examples []Example, o Options) *report.TokenStats {
	s := &report.TokenStats{Encoding: o.Encoding, Limit: o.Limit, Histogram: []report.Bucket{}}
	n := len(examples)
	s.Epochs, s.EpochsEstimated = o.Epochs, o.Epochs <= 0
	if s.EpochsEstimated {
		s.Epochs = EstimateEpochs(n)
	}
	if n == 0 {
		return s
	}
	counts := make([]int, n)
	var capped int64
	for i, e := range examples {
		counts[i] = e.Tokens
		s.Total += int64(e.Tokens)
		s.Assistant += int64(e.Assistant)
		s.Trainable += int64(e.Trainable)
		if o.Limit > 0 && e.Tokens > o.Limit {
			s.OverLimit++
			capped += int64(o.Limit)
		} else {
			capped += int64(e.Tokens)
		}
	}
	sort.Ints(counts)
	s.Min, s.Max = counts[0], counts[n-1]
	s.Mean = math.Round(float64(s.Total)/float64(n)*100) / 100
	s.P50, s.P90, s.P95, s.P99 = NearestRank(counts, 50), NearestRank(counts, 90), NearestRank(counts, 95), NearestRank(counts, 99)
	s.BilledTokens = int64(s.Epochs) * capped
	s.Histogram = Histogram(counts)
	return s
}

// NearestRank returns the p-th percentile of sorted values by the nearest-rank
// method: the value at rank ceil(p/100 · n).
func NearestRank(sorted []int, p float64) int {
	if len(sorted) == 0 {
		return 0
	}
	r := int(math.Ceil(p / 100 * float64(len(sorted))))
	r = max(1, min(r, len(sorted)))
	return sorted[r-1]
}

// Histogram buckets sorted counts by powers of two (0-1, 1-2, 2-4, ... tokens),
// from the smallest to the largest non-empty bucket.
func Histogram(sorted []int) []report.Bucket {
	if len(sorted) == 0 {
		return []report.Bucket{}
	}
	lo := bucketLo(sorted[0])
	var out []report.Bucket
	i := 0
	for b := lo; i < len(sorted); b = nextBucket(b) {
		hi := nextBucket(b)
		c := 0
		for i < len(sorted) && sorted[i] < hi {
			c++
			i++
		}
		out = append(out, report.Bucket{Lo: b, Hi: hi, Count: c})
	}
	return out
}

func bucketLo(v int) int {
	if v <= 0 {
		return 0
	}
	b := 1
	for b*2 <= v {
		b *= 2
	}
	return b
}

func nextBucket(b int) int {
	if b == 0 {
		return 1
	}
	return b * 2
}
