package split

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"sort"
	"sync"

	"github.com/ftprep/ftprep/pkg/atomicfile"
	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/validate"
)

// MaxFileBytes is the largest file the services accept (512 MiB); each output must fit.
const MaxFileBytes = 512 << 20

// maxFileBytes is MaxFileBytes; tests lower it.
var maxFileBytes int64 = MaxFileBytes

// MinExamples is the fewest examples the services accept in a file; each output needs as many.
const MinExamples = 10

var bom = []byte{0xEF, 0xBB, 0xBF}

// Options configure one split. Train and Valid are required; the zero value of
// everything else means: 10 % validation, seed 0, Azure target, no dedupe.
type Options struct {
	Train, Valid string  // output paths
	ValidRatio   float64 // share of examples for validation, 0 < R < 1 (used when ValidCount is 0; 0 = 0.1)
	ValidCount   int     // exact validation size in examples (groups may overshoot it by less than one group)
	Seed         int64   // the split is a pure function of the input content and Seed
	Dedupe       bool    // drop exact duplicates (canonical JSON) before splitting
	GroupBy      string  // RFC 6901 pointer: examples with equal values there land on one side
	SkipInvalid  bool    // set invalid lines aside into Rejects instead of refusing the input
	Rejects      string  // where invalid lines go (required with SkipInvalid)
	Target       string  // "azure" (default: outputs start with a BOM) or "openai" (no BOM)

	MaxTrainBytes    int64 // cap the training file (bytes, BOM included) by sampling; 0 = only the 512 MiB limit
	MaxTrainExamples int   // cap the training file (examples) by sampling; 0 = no cap

	Model    string                    // passed to validation (token encoding, limits)
	Method   string                    // passed to validation
	NoTokens bool                      // skip token counting (manifest tokens are 0)
	Workers  int                       // validation workers; 0 = GOMAXPROCS
	Stdin    io.Reader                 // what the input "-" reads (spooled to a temporary file)
	TempDir  string                    // where stdin is spooled ("" = os.TempDir())
	Progress func(read int64)          // bytes of input validated so far, now and then
	Perm     os.FileMode               // permissions of the outputs (0 = 0644)
	wrap     func(io.Writer) io.Writer // tests: inject write failures
}

// LineRef names one input line.
type LineRef struct {
	Input string `json:"input"`
	Line  int    `json:"line"`
}

// Result is the outcome of Split. Manifest is nil when nothing was written.
type Result struct {
	Manifest *Manifest
	Files    []report.FileResult // the validation result of each input
	Rejected []LineRef           // invalid lines (refused, or written to Rejects)
	// NoGroup counts examples without a value at GroupBy; each is its own group.
	NoGroup int
}

// RefusedError is a split refused because of the data (invalid lines, too few
// examples, outputs too large): the CLI exits 1. Nothing was written.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

func refused(format string, a ...any) error { return &RefusedError{Msg: fmt.Sprintf(format, a...)} }

// sides of an entry.
const (
	sideOut uint8 = iota // duplicate or sampled out
	sideTrain
	sideValid
	sideReject
)

// entry is the index kept per non-blank input line: O(lines), never the data.
type entry struct {
	off     int64
	n       uint32
	tokens  uint32
	file    uint16
	side    uint8
	bad     bool
	key     uint64   // group (or content) hash: the unit that goes to one side
	content [16]byte // canonical-JSON hash for dedupe
}

type lineInfo struct {
	content  [16]byte
	key      uint64
	hasGroup bool
}

func hash16(domain byte, b []byte) [16]byte {
	h := sha256.New()
	h.Write([]byte{domain})
	h.Write(b)
	var s [sha256.Size]byte
	h.Sum(s[:0])
	var out [16]byte
	copy(out[:], s[:])
	return out
}

// hookFunc returns the validation hook: on a worker, for each valid line, the
// hash of its canonical JSON and the key of its unit (group value or content).
func hookFunc(toks []string, grouped bool) func(raw []byte, v *jsonl.Value, ok bool) any {
	if !grouped {
		toks = nil
	} else if toks == nil {
		toks = []string{} // the empty pointer: the whole line
	}
	pool := sync.Pool{New: func() any { return newCanonicalizer(toks) }}
	return func(raw []byte, v *jsonl.Value, ok bool) any {
		if !ok {
			return nil
		}
		c := pool.Get().(*canonicalizer)
		defer pool.Put(c)
		li := &lineInfo{}
		if v == nil { // not from the validator's parser (direct calls): parse here
			var serr *jsonl.SyntaxError
			if v, serr = c.p.Parse(raw); serr != nil {
				li.content = hash16('r', raw)
				li.key = binary.LittleEndian.Uint64(li.content[:8])
				return li
			}
		}
		canon, group, found := c.value(v)
		li.content = hash16('c', canon)
		li.key = binary.LittleEndian.Uint64(li.content[:8])
		if found {
			g := hash16('g', group)
			li.key, li.hasGroup = binary.LittleEndian.Uint64(g[:8]), true
		}
		return li
	}
}

// mix is splitmix64's finaliser: a bijective scramble of 64 bits.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// score orders units: a keyed hash of (seed, unit key), uniform over units.
func score(seed int64, key uint64) uint64 {
	return mix(mix(key^mix(uint64(seed)+0x9e3779b97f4a7c15)) + uint64(seed))
}

type input struct {
	name string
	f    *os.File
	bom  int64
	tmp  bool
}

// Split validates the inputs (paths; "-" reads o.Stdin), splits their examples
// into o.Train and o.Valid and writes both atomically. Data problems come back
// as a *RefusedError with the Result describing them; nothing is written then.
func Split(ctx context.Context, inputs []string, o Options) (*Result, error) {
	if o.Train == "" || o.Valid == "" {
		return nil, errors.New("split: train and valid paths are required")
	}
	if o.SkipInvalid && o.Rejects == "" {
		return nil, errors.New("split: skipping invalid lines needs a rejects path")
	}
	if o.ValidCount == 0 && o.ValidRatio == 0 {
		o.ValidRatio = 0.1
	}
	if o.ValidCount < 0 || (o.ValidCount == 0 && (o.ValidRatio <= 0 || o.ValidRatio >= 1)) {
		return nil, errors.New("split: the validation share must be between 0 and 1 (exclusive), or a positive count")
	}
	if o.Target == "" {
		o.Target = "azure"
	}
	if o.Target != "azure" && o.Target != "openai" {
		return nil, fmt.Errorf("split: unknown target %q (azure or openai)", o.Target)
	}
	toks, okp := parsePointer(o.GroupBy)
	if !okp {
		return nil, fmt.Errorf("split: %q is not a JSON pointer (RFC 6901: /messages/1/content)", o.GroupBy)
	}
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	if len(inputs) > math.MaxUint16 {
		return nil, errors.New("split: too many inputs")
	}
	if o.Perm == 0 {
		o.Perm = 0o644
	}

	var ins []*input
	defer func() {
		for _, in := range ins {
			in.f.Close()
			if in.tmp {
				os.Remove(in.f.Name())
			}
		}
	}()
	stdinUsed := false
	for _, p := range inputs {
		in := &input{name: p}
		if p == "-" {
			if stdinUsed {
				return nil, errors.New("split: standard input given twice")
			}
			stdinUsed = true
			if o.Stdin == nil {
				return nil, errors.New("split: no standard input")
			}
			f, err := os.CreateTemp(o.TempDir, "ftprep-split-stdin-*")
			if err != nil {
				return nil, fmt.Errorf("cannot spool standard input: %w", err)
			}
			in.f, in.tmp = f, true
			ins = append(ins, in)
			if _, err := io.Copy(f, o.Stdin); err != nil {
				return nil, fmt.Errorf("cannot spool standard input: %w", err)
			}
		} else {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			in.f = f
			ins = append(ins, in)
		}
		var head [3]byte
		if n, _ := in.f.ReadAt(head[:], 0); n == 3 && bytes.Equal(head[:], bom) {
			in.bom = 3
		}
	}

	res := &Result{}
	var entries []entry
	var readBefore int64
	grouped := o.GroupBy != ""
	vo := validate.Options{
		Method: o.Method, Target: o.Target, Model: o.Model, Workers: o.Workers, NoTokens: o.NoTokens,
		Hook: hookFunc(toks, grouped),
	}
	inputExamples := 0
	hook := vo.Hook
	var readErr error
	for i, in := range ins {
		size, err := in.f.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, err
		}
		if o.Progress != nil {
			base := readBefore
			vo.Progress = func(n int64) { o.Progress(base + n) }
		}
		vo.OnLine = func(l validate.Line) {
			if l.Blank {
				return
			}
			inputExamples++
			e := entry{off: l.Offset + in.bom, n: uint32(l.Len), file: uint16(i)}
			if l.Tokens > 0 {
				e.tokens = uint32(l.Tokens)
			}
			li, _ := l.Hook.(*lineInfo)
			if li == nil && l.Errors == 0 {
				// The engine did not run the hook on this line: do it here.
				buf := make([]byte, l.Len)
				if _, err := in.f.ReadAt(buf, e.off); err != nil && readErr == nil {
					readErr = err
				}
				li, _ = hook(buf, nil, true).(*lineInfo)
			}
			if l.Errors > 0 || li == nil {
				e.bad = true
				res.Rejected = append(res.Rejected, LineRef{Input: in.name, Line: l.Number})
			} else {
				e.content, e.key = li.content, li.key
				if grouped && !li.hasGroup {
					res.NoGroup++
				}
			}
			entries = append(entries, e)
		}
		fr, err := validate.Validate(ctx, io.NewSectionReader(in.f, in.bom, size-in.bom), in.name, vo)
		if err == nil {
			err = readErr
		}
		if err != nil {
			return nil, err
		}
		if in.tmp {
			fr.Path = "-"
		}
		if in.bom > 0 {
			// The engine read the input without its BOM (split skips it so that
			// offsets and hooks see lines only): drop the finding that caused.
			fr.BOM, fr.Bytes = true, fr.Bytes+in.bom
			kept := fr.Findings[:0]
			for _, f := range fr.Findings {
				if f.Rule != "bom-missing" {
					kept = append(kept, f)
				}
			}
			fr.Findings = kept
			if fr.Counts["bom-missing"] > 0 {
				delete(fr.Counts, "bom-missing")
			}
		}
		res.Files = append(res.Files, fr)
		readBefore += size
	}
	if len(res.Rejected) > 0 && !o.SkipInvalid {
		return res, refused("%d invalid line(s): fix them (ftprep fix) or pass --skip-invalid --rejects PATH; nothing written", len(res.Rejected))
	}

	m := &Manifest{Seed: o.Seed, Target: o.Target, InputExamples: inputExamples, InvalidSkipped: len(res.Rejected)}
	if o.SkipInvalid {
		m.Rejects = o.Rejects
	}

	// Good entries, by index.
	good := make([]uint32, 0, len(entries))
	for i := range entries {
		if entries[i].bad {
			entries[i].side = sideReject
		} else {
			good = append(good, uint32(i))
		}
	}
	if o.Dedupe {
		perm := append([]uint32(nil), good...)
		sort.Slice(perm, func(a, b int) bool {
			ea, eb := &entries[perm[a]], &entries[perm[b]]
			if c := bytes.Compare(ea.content[:], eb.content[:]); c != 0 {
				return c < 0
			}
			return perm[a] < perm[b]
		})
		dup := 0
		for k := 1; k < len(perm); k++ {
			if entries[perm[k]].content == entries[perm[k-1]].content {
				entries[perm[k]].side = sideOut
				entries[perm[k]].bad = true // not a candidate any more
				dup++
			}
		}
		m.DuplicatesRemoved = dup
		g := good[:0]
		for _, i := range good {
			if !entries[i].bad {
				g = append(g, i)
			} else {
				entries[i].bad = false
			}
		}
		good = g
	}

	// Units in score order: runs of equal key after sorting by (score, key, index).
	sc := make([]uint64, len(good))
	for k, i := range good {
		sc[k] = score(o.Seed, entries[i].key)
	}
	ord := make([]uint32, len(good))
	for k := range ord {
		ord[k] = uint32(k)
	}
	sort.Slice(ord, func(a, b int) bool {
		ka, kb := ord[a], ord[b]
		if sc[ka] != sc[kb] {
			return sc[ka] < sc[kb]
		}
		ea, eb := entries[good[ka]].key, entries[good[kb]].key
		if ea != eb {
			return ea < eb
		}
		return ka < kb
	})
	sc = nil

	bomLen := int64(0)
	if o.Target == "azure" {
		bomLen = 3
	}
	trainCapBytes := o.MaxTrainBytes
	var nValid, nTrain int
	trainBytes := bomLen
	for a := 0; a < len(ord); {
		b := a + 1
		key := entries[good[ord[a]]].key
		for b < len(ord) && entries[good[ord[b]]].key == key {
			b++
		}
		size := b - a
		var ub int64
		for _, k := range ord[a:b] {
			ub += int64(entries[good[k]].n) + 1
		}
		var side uint8
		var wantValid bool
		if o.ValidCount > 0 {
			wantValid = nValid+size <= o.ValidCount
		} else {
			wantValid = float64(nValid+size) <= math.Ceil(o.ValidRatio*float64(nValid+nTrain+size))
		}
		switch {
		case wantValid:
			side = sideValid
			nValid += size
		case (o.MaxTrainExamples == 0 || nTrain+size <= o.MaxTrainExamples) &&
			(trainCapBytes == 0 || trainBytes+ub <= trainCapBytes):
			side = sideTrain
			nTrain += size
			trainBytes += ub
		default:
			side = sideOut
			m.SampledOut += size
		}
		for _, k := range ord[a:b] {
			entries[good[k]].side = side
		}
		a = b
	}
	ord = nil

	// Check before writing anything.
	var validBytes int64 = bomLen
	for i := range entries {
		if entries[i].side == sideValid {
			validBytes += int64(entries[i].n) + 1
		}
	}
	if nTrain < MinExamples || nValid < MinExamples {
		usable := fmt.Sprintf("%d usable example(s)", len(good))
		if m.DuplicatesRemoved > 0 || m.InvalidSkipped > 0 {
			usable += fmt.Sprintf(" of %d, after %d duplicate(s) and %d invalid line(s) were set aside", inputExamples, m.DuplicatesRemoved, m.InvalidSkipped)
		}
		return res, refused("the split gives %d training and %d validation examples from %s; each file needs at least %d (%s)",
			nTrain, nValid, usable, MinExamples, sizeAdvice(o, nTrain, nValid))
	}
	if trainBytes > maxFileBytes {
		return res, refused("the training file would be %s, over the %s limit: cap it with --max-train-bytes or --max-train-examples",
			mib(trainBytes), mib(maxFileBytes))
	}
	if validBytes > maxFileBytes {
		return res, refused("the validation file would be %s, over the %s limit: lower --valid-ratio or set --valid-count",
			mib(validBytes), mib(maxFileBytes))
	}

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := write(ctx, ins, entries, m, o); err != nil {
		return nil, err
	}
	res.Manifest = m
	return res, nil
}

func sizeAdvice(o Options, nTrain, nValid int) string {
	switch {
	case nValid < MinExamples && nTrain >= MinExamples:
		return "raise --valid-ratio or --valid-count"
	case nTrain < MinExamples && nValid >= MinExamples:
		return "lower --valid-ratio or --valid-count, or raise the caps"
	default:
		return "the input is too small"
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// sink is one output being written: atomic file, hash, counts.
type sink struct {
	af  *atomicfile.File
	w   *bufio.Writer
	h   hash.Hash
	out *Output
}

func newSink(path string, withBOM bool, o Options, out *Output) (*sink, error) {
	af, err := atomicfile.Create(path, o.Perm)
	if err != nil {
		return nil, err
	}
	s := &sink{af: af, h: sha256.New(), out: out}
	var w io.Writer = io.MultiWriter(af, s.h)
	if o.wrap != nil {
		w = o.wrap(w)
	}
	s.w = bufio.NewWriterSize(w, 1<<20)
	out.Path = path
	if withBOM {
		s.w.Write(bom)
		out.Bytes += 3
	}
	return s, nil
}

func (s *sink) line(b []byte, tokens uint32) error {
	s.out.Examples++
	s.out.Bytes += int64(len(b)) + 1
	s.out.Tokens += int64(tokens)
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	return s.w.WriteByte('\n')
}

func (s *sink) finish() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("cannot write %s: %w", s.out.Path, err)
	}
	s.out.SHA256 = hex.EncodeToString(s.h.Sum(nil))
	return nil
}

// write copies each kept line's bytes from its input to its output, in input order.
func write(ctx context.Context, ins []*input, entries []entry, m *Manifest, o Options) (err error) {
	withBOM := o.Target == "azure"
	var sinks [4]*sink
	defer func() {
		if err != nil {
			for _, s := range sinks {
				if s != nil {
					s.af.Abort()
				}
			}
		}
	}()
	if sinks[sideTrain], err = newSink(o.Train, withBOM, o, &m.Train); err != nil {
		return err
	}
	if sinks[sideValid], err = newSink(o.Valid, withBOM, o, &m.Valid); err != nil {
		return err
	}
	if m.InvalidSkipped > 0 || o.SkipInvalid {
		var rj Output
		if sinks[sideReject], err = newSink(o.Rejects, false, o, &rj); err != nil {
			return err
		}
	}
	var buf []byte
	var cur = -1
	var br *bufio.Reader
	var pos int64
	for i := range entries {
		e := &entries[i]
		s := sinks[e.side]
		if s == nil {
			continue
		}
		if int(e.file) != cur {
			cur = int(e.file)
			br = bufio.NewReaderSize(io.NewSectionReader(ins[cur].f, 0, math.MaxInt64), 1<<20)
			pos = 0
		}
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if _, err := br.Discard(int(e.off - pos)); err != nil {
			return fmt.Errorf("%s changed while splitting: %w", ins[cur].name, err)
		}
		if cap(buf) < int(e.n) {
			buf = make([]byte, e.n)
		}
		buf = buf[:e.n]
		if _, err := io.ReadFull(br, buf); err != nil {
			return fmt.Errorf("%s changed while splitting: %w", ins[cur].name, err)
		}
		pos = e.off + int64(e.n)
		if err := s.line(buf, e.tokens); err != nil {
			return fmt.Errorf("cannot write %s: %w", s.out.Path, err)
		}
	}
	var afs []*atomicfile.File
	for _, s := range sinks {
		if s != nil {
			if err := s.finish(); err != nil {
				return err
			}
			afs = append(afs, s.af)
		}
	}
	return atomicfile.CommitAll(afs...)
}
