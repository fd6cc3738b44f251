package results

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"testing"
)

// syntheticCSV is a results.csv of n steps with a full validation every 100 steps.
func syntheticCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy\n")
	for s := 1; s <= n; s++ {
		tl := 2*math.Exp(-float64(s)/float64(n/4)) + 0.1
		fv, fa := "", ""
		if s%100 == 0 {
			fv, fa = fmt.Sprintf("%.5f", tl+0.2), fmt.Sprintf("%.5f", 0.9-tl/4)
		}
		fmt.Fprintf(&b, "%d,%.5f,%.5f,%.5f,%.5f,%s,%s\n", s, tl, 0.95-tl/4, tl+0.15, 0.9-tl/4, fv, fa)
	}
	return b.Bytes()
}

func benchRows(b *testing.B, n int) []Row {
	rows, err := Parse(bytes.NewReader(syntheticCSV(n)))
	if err != nil {
		b.Fatal(err)
	}
	return rows
}

func BenchmarkParseSummarize10k(b *testing.B) {
	csv := syntheticCSV(10000)
	b.SetBytes(int64(len(csv)))
	for b.Loop() {
		rows, err := Parse(bytes.NewReader(csv))
		if err != nil {
			b.Fatal(err)
		}
		_ = Summarize(rows)
	}
}

func BenchmarkPlotPNG10k(b *testing.B) {
	rows := benchRows(b, 10000)
	for b.Loop() {
		if err := Plot(io.Discard, rows, "png", PlotOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlotSVG10k(b *testing.B) {
	rows := benchRows(b, 10000)
	for b.Loop() {
		if err := Plot(io.Discard, rows, "svg", PlotOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChart10k(b *testing.B) {
	rows := benchRows(b, 10000)
	for b.Loop() {
		_ = WriteChart(io.Discard, rows, 60)
	}
}
