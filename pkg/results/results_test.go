package results

import (
	"bytes"
	"encoding/json"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func parseFile(t *testing.T, name string) []Row {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestSummaryGolden(t *testing.T) {
	for _, name := range []string{"results-good", "results-overfit", "results-no-valid"} {
		t.Run(name, func(t *testing.T) {
			rows := parseFile(t, name+".csv")
			s := Summarize(rows)
			var txt bytes.Buffer
			if err := s.WriteText(&txt); err != nil {
				t.Fatal(err)
			}
			if err := WriteChart(&txt, rows, 40); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".summary.txt", txt.Bytes())
			js, err := json.MarshalIndent(s, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".summary.json", append(js, '\n'))
		})
	}
}

func TestSummaryFacts(t *testing.T) {
	over := Summarize(parseFile(t, "results-overfit.csv"))
	if !over.Overfitting || !strings.Contains(over.OverfittingWarning, "fewer epochs") {
		t.Errorf("over-fitting not reported: %+v", over)
	}
	if over.BestFullValidLoss.Step != 20 {
		t.Errorf("best full validation step = %d, want 20", over.BestFullValidLoss.Step)
	}
	if over.TrainLoss.Step != 40 || over.FullValidLoss.Step != 40 {
		t.Errorf("final steps = %d / %d, want 40", over.TrainLoss.Step, over.FullValidLoss.Step)
	}
	good := Summarize(parseFile(t, "results-good.csv"))
	if good.Overfitting {
		t.Errorf("over-fitting reported on a healthy run: %s", good.OverfittingWarning)
	}
	if good.BestFullValidLoss.Step != 40 {
		t.Errorf("best full validation step = %d, want 40", good.BestFullValidLoss.Step)
	}
	nv := Summarize(parseFile(t, "results-no-valid.csv"))
	if nv.ValidLoss.Valid() || nv.BestFullValidLoss.Valid() || nv.Overfitting {
		t.Errorf("no-validation run: %+v", nv)
	}
}

func TestOverfittingNeedsSteadyRise(t *testing.T) {
	// Validation loss up, down, up: a bump, not a trend.
	rows := []Row{}
	valid := []float64{1.0, 0.9, 1.1, 1.0, 1.2}
	for i, v := range valid {
		rows = append(rows, Row{Step: (i + 1) * 10, TrainLoss: 2 - float64(i)*0.3, ValidLoss: math.NaN(), FullValidLoss: v,
			TrainAcc: math.NaN(), ValidAcc: math.NaN(), FullValidAcc: math.NaN()})
	}
	if s := Summarize(rows); s.Overfitting {
		t.Errorf("bumpy validation loss reported as over-fitting: %s", s.OverfittingWarning)
	}
	rows[3].FullValidLoss = 1.15
	if s := Summarize(rows); !s.Overfitting {
		t.Errorf("steady rise (1.1, 1.15, 1.2) with falling train loss not reported")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"no step column", "train_loss\n1\n", `no "step" column`},
		{"header only", "step,train_loss\n", "no steps"},
		{"bad number", "step,train_loss\n1,abc\n", `line 2: train_loss: "abc"`},
		{"bad step", "step,train_loss\nx,1\n", `step "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseOptionalColumns(t *testing.T) {
	rows, err := Parse(strings.NewReader("\ufeffstep,train_loss\n1,2.5\n2,nan\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].TrainLoss != 2.5 || !math.IsNaN(rows[1].TrainLoss) || !math.IsNaN(rows[0].ValidLoss) {
		t.Errorf("rows = %+v", rows)
	}
}

func TestPlotPNG(t *testing.T) {
	rows := parseFile(t, "results-overfit.csv")
	var buf bytes.Buffer
	if err := Plot(&buf, rows, "png", PlotOptions{Width: 800, Height: 600, Title: "ftjob-test"}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 600 {
		t.Errorf("PNG is %dx%d, want 800x600", b.Dx(), b.Dy())
	}
	// Non-trivial: the three series colours are all drawn.
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	for name, c := range map[string][3]uint32{"train": {31, 119, 180}, "validation": {255, 127, 14}, "full validation": {44, 160, 44}} {
		if !seen[c] {
			t.Errorf("no pixel of the %s colour %v", name, c)
		}
	}
}

func TestPlotSVG(t *testing.T) {
	rows := parseFile(t, "results-good.csv")
	var buf bytes.Buffer
	if err := Plot(&buf, rows, "svg", PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(strings.TrimSpace(s), "<?xml") || !strings.Contains(s, "<svg") || strings.Count(s, "<path") < 6 {
		t.Errorf("SVG looks empty (%d bytes, %d paths)", len(s), strings.Count(s, "<path"))
	}
	if !strings.Contains(s, "token accuracy") || !strings.Contains(s, "full validation") {
		t.Error("SVG lacks its axis label or legend")
	}
}

func TestFormat(t *testing.T) {
	for in, want := range map[string]string{"a.png": "png", "B.SVG": "svg", "c.jpg": ""} {
		got, err := Format(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("Format(%q) = %q, %v", in, got, err)
		}
	}
}

func TestSparkline(t *testing.T) {
	if got := Sparkline([]float64{0, 1, 2, 3, 4, 5, 6, 7}, 8, 0, 7); got != "▁▂▃▄▅▆▇█" {
		t.Errorf("got %q", got)
	}
	if got := Sparkline([]float64{0, math.NaN(), 7}, 10, 0, 7); got != "▁ █" {
		t.Errorf("gaps: got %q", got)
	}
	if got := Sparkline([]float64{0, 0, 7, 7}, 2, 0, 7); got != "▁█" {
		t.Errorf("buckets: got %q", got)
	}
}

func TestDecimateKeepsExtremes(t *testing.T) {
	var xys plotter.XYs
	for i := 0; i < 10000; i++ {
		xys = append(xys, plotter.XY{X: float64(i), Y: float64(i % 7)})
	}
	xys[5003].Y = 100 // a spike
	got := decimate(xys, 200)
	if len(got) > 200 || len(got) < 100 {
		t.Fatalf("%d points", len(got))
	}
	spike := false
	for i, p := range got {
		if i > 0 && p.X <= got[i-1].X {
			t.Fatalf("points out of step order at %d", i)
		}
		if p.Y == 100 {
			spike = true
		}
	}
	if !spike {
		t.Error("the spike was dropped")
	}
	if short := decimate(xys[:50], 200); len(short) != 50 {
		t.Errorf("short line changed: %d points", len(short))
	}
}
