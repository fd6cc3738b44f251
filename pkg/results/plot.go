package results

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PlotOptions size a plot; zero values mean 1000×800 pixels at 96 DPI.
type PlotOptions struct {
	Width, Height int    // pixels (PNG) or points×96/72 (SVG)
	Title         string // shown above the loss panel
}

// dpi of PNG output: Width and Height are pixels at this resolution.
const dpi = 96

// Format returns "png" or "svg" from path's extension, or an error.
func Format(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return "png", nil
	case ".svg":
		return "svg", nil
	}
	return "", fmt.Errorf("plot %s: want a .png or .svg file name", path)
}

var (
	trainColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	validColor = color.RGBA{R: 255, G: 127, B: 14, A: 255}
	fullColor  = color.RGBA{R: 44, G: 160, B: 44, A: 255}
)

// Plot draws loss (top) and token accuracy (bottom) against step, training and
// validation series on the same axes, and writes it as format ("png" or "svg") to w.
func Plot(w io.Writer, rows []Row, format string, o PlotOptions) error {
	if o.Width <= 0 {
		o.Width = 1000
	}
	if o.Height <= 0 {
		o.Height = 800
	}
	maxPts := 2 * o.Width
	loss, err := panel(rows, maxPts, "loss", o.Title,
		series{"train", func(r Row) float64 { return r.TrainLoss }, trainColor, false},
		series{"validation", func(r Row) float64 { return r.ValidLoss }, validColor, false},
		series{"full validation", func(r Row) float64 { return r.FullValidLoss }, fullColor, true})
	if err != nil {
		return err
	}
	acc, err := panel(rows, maxPts, "token accuracy", "",
		series{"train", func(r Row) float64 { return r.TrainAcc }, trainColor, false},
		series{"validation", func(r Row) float64 { return r.ValidAcc }, validColor, false},
		series{"full validation", func(r Row) float64 { return r.FullValidAcc }, fullColor, true})
	if err != nil {
		return err
	}
	wl := vg.Length(o.Width) * vg.Inch / dpi
	hl := vg.Length(o.Height) * vg.Inch / dpi
	var (
		canvas vg.CanvasSizer
		out    io.WriterTo
	)
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(wl, hl), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
		canvas, out = c, vgimg.PngCanvas{Canvas: c}
	case "svg":
		c := vgsvg.New(wl, hl)
		canvas, out = c, c
	default:
		return fmt.Errorf("plot format %q: want png or svg", format)
	}
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12), PadY: vg.Points(14)}
	plots := [][]*plot.Plot{{loss}, {acc}}
	cs := plot.Align(plots, tiles, dc)
	loss.Draw(cs[0][0])
	acc.Draw(cs[1][0])
	_, err = out.WriteTo(w)
	return err
}

type series struct {
	name   string
	get    func(Row) float64
	color  color.Color
	points bool // sparse series (one value per evaluation): draw markers too
}

func panel(rows []Row, maxPts int, ylabel, title string, ss ...series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "step"
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	for _, s := range ss {
		var xys plotter.XYs
		for _, r := range rows {
			if v := s.get(r); !math.IsNaN(v) && !math.IsInf(v, 0) {
				xys = append(xys, plotter.XY{X: float64(r.Step), Y: v})
			}
		}
		if len(xys) == 0 {
			continue
		}
		xys = decimate(xys, maxPts)
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.Color = s.color
		l.Width = vg.Points(1.2)
		p.Add(l)
		p.Legend.Add(s.name, l)
		if s.points {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, err
			}
			sc.Color = s.color
			sc.Shape = draw.CircleGlyph{}
			p.Add(sc)
		}
	}
	return p, nil
}

// decimate keeps at most limit points of a line: in each of limit/2 buckets
// of consecutive points, the lowest and the highest in step order, so spikes
// survive while a 10,000-step run is not drawn point by point into 1,000 pixels.
func decimate(xys plotter.XYs, limit int) plotter.XYs {
	if limit < 4 || len(xys) <= limit {
		return xys
	}
	buckets := limit / 2
	out := make(plotter.XYs, 0, limit+1)
	for b := 0; b < buckets; b++ {
		from, to := b*len(xys)/buckets, (b+1)*len(xys)/buckets
		lo, hi := from, from
		for i := from; i < to; i++ {
			if xys[i].Y < xys[lo].Y {
				lo = i
			}
			if xys[i].Y > xys[hi].Y {
				hi = i
			}
		}
		out = append(out, xys[min(lo, hi)])
		if lo != hi {
			out = append(out, xys[max(lo, hi)])
		}
	}
	return out
}

// sparks are the eight block heights of a terminal sparkline.
var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline renders values (NaN = gap, shown as a space) in at most width
// cells, each cell the mean of the values that fall in it, scaled from lo to hi.
func Sparkline(values []float64, width int, lo, hi float64) string {
	if len(values) == 0 || width <= 0 {
		return ""
	}
	if width > len(values) {
		width = len(values)
	}
	var b strings.Builder
	for c := 0; c < width; c++ {
		from, to := c*len(values)/width, (c+1)*len(values)/width
		sum, n := 0.0, 0
		for _, v := range values[from:to] {
			if !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		if n == 0 {
			b.WriteRune(' ')
			continue
		}
		v := sum / float64(n)
		i := 0
		if hi > lo {
			i = int(math.Round((v - lo) / (hi - lo) * float64(len(sparks)-1)))
		}
		b.WriteRune(sparks[min(max(i, 0), len(sparks)-1)])
	}
	return b.String()
}

// WriteChart prints a compact terminal chart: one sparkline per series, loss
// series sharing one scale and accuracy series another, with their ranges.
func WriteChart(w io.Writer, rows []Row, width int) error {
	if width <= 0 {
		width = 60
	}
	col := func(get func(Row) float64) []float64 {
		out := make([]float64, len(rows))
		for i, r := range rows {
			out[i] = get(r)
		}
		return out
	}
	type line struct {
		label string
		vals  []float64
	}
	groups := [][]line{
		{
			{"train loss", col(func(r Row) float64 { return r.TrainLoss })},
			{"valid loss", col(func(r Row) float64 { return r.ValidLoss })},
			{"full valid loss", col(func(r Row) float64 { return r.FullValidLoss })},
		},
		{
			{"train acc", col(func(r Row) float64 { return r.TrainAcc })},
			{"valid acc", col(func(r Row) float64 { return r.ValidAcc })},
			{"full valid acc", col(func(r Row) float64 { return r.FullValidAcc })},
		},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "steps %d..%d\n", rows[0].Step, rows[len(rows)-1].Step)
	for _, g := range groups {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, l := range g {
			for _, v := range l.vals {
				if !math.IsNaN(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
		if math.IsInf(lo, 1) {
			continue
		}
		for _, l := range g {
			sl := Sparkline(l.vals, width, lo, hi)
			if strings.TrimSpace(sl) == "" {
				continue
			}
			fmt.Fprintf(&b, "%-16s %s\n", l.label, sl)
		}
		fmt.Fprintf(&b, "%-16s %.4f (▁) .. %.4f (█)\n", "", lo, hi)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
