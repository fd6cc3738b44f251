// Package results reads a fine-tuning job's results.csv (the per-step training
// metrics the service writes as the job's first result file), summarises it the
// way the guides read it (final losses and accuracies, best validation step,
// over-fitting) and plots it.
package results

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Columns of results.csv as the service writes them.
const (
	ColStep          = "step"
	ColTrainLoss     = "train_loss"
	ColTrainAcc      = "train_mean_token_accuracy"
	ColValidLoss     = "valid_loss"
	ColValidAcc      = "valid_mean_token_accuracy"
	ColFullValidLoss = "full_valid_loss"
	ColFullValidAcc  = "full_valid_mean_token_accuracy"
)

// Row is one step of results.csv. A metric the service did not report at that
// step (empty cell, "nan") is NaN.
type Row struct {
	Step          int
	TrainLoss     float64
	TrainAcc      float64
	ValidLoss     float64
	ValidAcc      float64
	FullValidLoss float64
	FullValidAcc  float64
}

// Parse reads results.csv. The step and train_loss columns are required; the
// others may be missing (no validation file) and read as NaN. Rows come back
// in file order.
func Parse(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("results.csv is empty")
		}
		return nil, fmt.Errorf("results.csv header: %w", err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{ColStep, ColTrainLoss} {
		if _, ok := idx[need]; !ok {
			return nil, fmt.Errorf("results.csv has no %q column (columns: %s)", need, strings.Join(header, ","))
		}
	}
	var rows []Row
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("results.csv: %w", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		cell := func(name string) (string, bool) {
			i, ok := idx[name]
			if !ok || i >= len(rec) {
				return "", false
			}
			return strings.TrimSpace(rec[i]), true
		}
		num := func(name string) (float64, error) {
			s, ok := cell(name)
			if !ok || s == "" || strings.EqualFold(s, "nan") {
				return math.NaN(), nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, fmt.Errorf("results.csv line %d: %s: %q is not a number", line, name, s)
			}
			return v, nil
		}
		s, _ := cell(ColStep)
		step, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("results.csv line %d: step %q is not a number", line, s)
		}
		row := Row{Step: int(step)}
		for _, f := range []struct {
			name string
			dst  *float64
		}{
			{ColTrainLoss, &row.TrainLoss}, {ColTrainAcc, &row.TrainAcc},
			{ColValidLoss, &row.ValidLoss}, {ColValidAcc, &row.ValidAcc},
			{ColFullValidLoss, &row.FullValidLoss}, {ColFullValidAcc, &row.FullValidAcc},
		} {
			if *f.dst, err = num(f.name); err != nil {
				return nil, err
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, errors.New("results.csv has a header but no steps")
	}
	return rows, nil
}

// Metric is a value at a step; Step is 0 and Value NaN when never reported.
type Metric struct {
	Step  int     `json:"step"`
	Value float64 `json:"value"`
}

// Valid reports whether the metric was reported.
func (m Metric) Valid() bool { return !math.IsNaN(m.Value) }

// MarshalJSON writes an unreported metric as null.
func (m Metric) MarshalJSON() ([]byte, error) {
	if !m.Valid() {
		return []byte("null"), nil
	}
	return []byte(fmt.Sprintf(`{"step":%d,"value":%s}`, m.Step, strconv.FormatFloat(m.Value, 'g', -1, 64))), nil
}

// Summary is what the guides look at in results.csv.
type Summary struct {
	Steps              int    `json:"steps"`
	TrainLoss          Metric `json:"train_loss"`
	TrainAcc           Metric `json:"train_mean_token_accuracy"`
	ValidLoss          Metric `json:"valid_loss"`
	ValidAcc           Metric `json:"valid_mean_token_accuracy"`
	FullValidLoss      Metric `json:"full_valid_loss"`
	FullValidAcc       Metric `json:"full_valid_mean_token_accuracy"`
	BestFullValidLoss  Metric `json:"best_full_valid_loss"`
	Overfitting        bool   `json:"overfitting"`
	OverfittingWarning string `json:"overfitting_warning,omitempty"`
}

// OverfitWindow is how many of the last evaluations the over-fitting check looks at.
const OverfitWindow = 3

// Summarize computes the summary of rows (in step order).
func Summarize(rows []Row) Summary {
	s := Summary{Steps: len(rows)}
	last := func(get func(Row) float64) Metric {
		for i := len(rows) - 1; i >= 0; i-- {
			if v := get(rows[i]); !math.IsNaN(v) {
				return Metric{Step: rows[i].Step, Value: v}
			}
		}
		return Metric{Value: math.NaN()}
	}
	s.TrainLoss = last(func(r Row) float64 { return r.TrainLoss })
	s.TrainAcc = last(func(r Row) float64 { return r.TrainAcc })
	s.ValidLoss = last(func(r Row) float64 { return r.ValidLoss })
	s.ValidAcc = last(func(r Row) float64 { return r.ValidAcc })
	s.FullValidLoss = last(func(r Row) float64 { return r.FullValidLoss })
	s.FullValidAcc = last(func(r Row) float64 { return r.FullValidAcc })
	s.BestFullValidLoss = Metric{Value: math.NaN()}
	for _, r := range rows {
		if !math.IsNaN(r.FullValidLoss) && (!s.BestFullValidLoss.Valid() || r.FullValidLoss < s.BestFullValidLoss.Value) {
			s.BestFullValidLoss = Metric{Step: r.Step, Value: r.FullValidLoss}
		}
	}
	s.Overfitting, s.OverfittingWarning = overfitting(rows)
	return s
}

// overfitting reports whether, over the last OverfitWindow evaluations, the
// validation loss rose while the training loss fell. Evaluations are the rows
// with a full validation loss; with fewer than OverfitWindow of those, the rows
// with a (mini-batch) validation loss. The training loss of an evaluation is
// the mean over the steps since the previous one, which smooths the per-step
// noise.
func overfitting(rows []Row) (bool, string) {
	evals, kind := evalRows(rows, func(r Row) float64 { return r.FullValidLoss }), "full validation loss"
	if len(evals) < OverfitWindow {
		evals, kind = evalRows(rows, func(r Row) float64 { return r.ValidLoss }), "validation loss"
	}
	if len(evals) < OverfitWindow {
		return false, ""
	}
	w := evals[len(evals)-OverfitWindow:]
	first, lastE := w[0], w[len(w)-1]
	if !(lastE.valid > first.valid && lastE.train < first.train) {
		return false, ""
	}
	// Rising at every evaluation of the window, not a single bump.
	for i := 1; i < len(w); i++ {
		if w[i].valid <= w[i-1].valid {
			return false, ""
		}
	}
	return true, fmt.Sprintf("possible over-fitting: %s rose from %.4f (step %d) to %.4f (step %d) while training loss fell from %.4f to %.4f; "+
		"try fewer epochs (--epochs) or a lower learning-rate multiplier (--learning-rate-multiplier)",
		kind, first.valid, first.step, lastE.valid, lastE.step, first.train, lastE.train)
}

type eval struct {
	step         int
	valid, train float64
}

func evalRows(rows []Row, get func(Row) float64) []eval {
	var out []eval
	sum, n := 0.0, 0
	for _, r := range rows {
		if !math.IsNaN(r.TrainLoss) {
			sum += r.TrainLoss
			n++
		}
		if v := get(r); !math.IsNaN(v) {
			t := math.NaN()
			if n > 0 {
				t = sum / float64(n)
			}
			out = append(out, eval{step: r.Step, valid: v, train: t})
			sum, n = 0, 0
		}
	}
	return out
}

// WriteText prints the summary for people.
func (s Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "steps: %d\n", s.Steps)
	line := func(label string, loss, acc Metric) {
		if !loss.Valid() && !acc.Valid() {
			return
		}
		fmt.Fprintf(&b, "%-22s loss %s  token accuracy %s  (step %d)\n", label+":", fmtVal(loss), fmtVal(acc), max(loss.Step, acc.Step))
	}
	line("final train", s.TrainLoss, s.TrainAcc)
	line("final validation", s.ValidLoss, s.ValidAcc)
	line("final full validation", s.FullValidLoss, s.FullValidAcc)
	if s.BestFullValidLoss.Valid() {
		fmt.Fprintf(&b, "best full validation loss: %.4f at step %d\n", s.BestFullValidLoss.Value, s.BestFullValidLoss.Step)
	}
	if !s.ValidLoss.Valid() && !s.FullValidLoss.Valid() {
		b.WriteString("no validation metrics: submit with a validation file to see over-fitting\n")
	}
	if s.Overfitting {
		fmt.Fprintf(&b, "warning: %s\n", s.OverfittingWarning)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fmtVal(m Metric) string {
	if !m.Valid() {
		return "   -  "
	}
	return fmt.Sprintf("%.4f", m.Value)
}
