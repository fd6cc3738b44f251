package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/jobs"
	"github.com/ftprep/ftprep/pkg/split"
	"github.com/ftprep/ftprep/pkg/upload"
	"github.com/ftprep/ftprep/pkg/validate"
	"github.com/openai/openai-go/v3"
	ucli "github.com/urfave/cli/v3"
)

// submitOptions are the inputs of `ftprep submit`.
type submitOptions struct {
	conn           azconn.Config
	manifest       string // path or "-" (stdin); "" = none
	trainingFile   string // local path or file ID
	validationFile string
	spec           jobs.Spec
	graderPath     string
	force          bool
	wait, noWait   bool
	format         string
	interval       time.Duration
}

func intervalFlag() ucli.Flag {
	return &ucli.DurationFlag{Name: "interval", Usage: "time between polls while following a job", Value: 10 * time.Second}
}

func (a *app) submitCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: "model", Usage: "base model, fine-tuned model (BASE.ft-...) or checkpoint to fine-tune"},
		&ucli.StringFlag{Name: "training-file", Usage: "training data: a local JSONL path (validated, uploaded) or a file ID"},
		&ucli.StringFlag{Name: "validation-file", Usage: "validation data: a local JSONL path or a file ID"},
		&ucli.StringFlag{Name: "suffix", Usage: "added to the fine-tuned model's name (A-Z a-z 0-9 - _; at most 40 on Azure, 64 on OpenAI)"},
		&ucli.Int64Flag{Name: "seed", Usage: "training seed, 0..2147483647", DefaultText: "chosen by the service"},
		&ucli.IntFlag{Name: "epochs", Usage: "epochs, 1..50", DefaultText: "chosen by the service"},
		&ucli.IntFlag{Name: "batch-size", Usage: "batch size, 1..256", DefaultText: "chosen by the service"},
		&ucli.FloatFlag{Name: "learning-rate-multiplier", Usage: "learning-rate multiplier, > 0", DefaultText: "chosen by the service"},
		&ucli.FloatFlag{Name: "beta", Usage: "DPO beta, 0 < beta <= 2", DefaultText: "chosen by the service"},
		&ucli.StringFlag{Name: "method", Usage: "supervised, dpo or reinforcement (default: the training data's format)"},
		&ucli.StringFlag{Name: "grader", Usage: "reinforcement fine-tuning: a JSON file holding the grader object"},
		&ucli.StringFlag{Name: "training-type", Usage: "Azure training type: standard, globalstandard or developer (sent as trainingType)"},
		&ucli.StringSliceFlag{Name: "metadata", Usage: "KEY=VALUE attached to the job (repeat; at most 16)"},
		&ucli.BoolFlag{Name: "force", Usage: "submit even when an identical job (model, training file, suffix) is still running"},
		&ucli.BoolFlag{Name: "wait", Usage: "follow the job's events until it ends; exit 0 on succeeded, 1 on failed or cancelled"},
		&ucli.BoolFlag{Name: "no-wait", Usage: "return once the job is created, without waiting for uploaded files to be processed"},
		formatFlag(),
		intervalFlag(),
	}
	return &ucli.Command{
		Name:      "submit",
		Usage:     "create a fine-tuning job (checks everything it can locally first)",
		ArgsUsage: "[MANIFEST | -]",
		Description: "Creates a fine-tuning job from local files (validated and uploaded, reusing identical files\n" +
			"already on the service), file IDs, or the JSON manifest `ftprep split` prints. Parameter ranges,\n" +
			"the suffix, the method and image support of the model are checked before any request (exit 2).\n" +
			"A job identical to one still running (model, training file, suffix) is refused unless --force.\n\n" +
			"   ftprep submit --model gpt-4.1-mini-2025-04-14 --training-file train.jsonl --validation-file valid.jsonl\n" +
			"   ftprep split data.jsonl --train t.jsonl --valid v.jsonl | ftprep submit --model gpt-4.1-mini-2025-04-14 --wait -\n" +
			"   ftprep submit --model gpt-4.1-mini-2025-04-14.ft-abc123 --training-file file-123 --suffix round2   # continue fine-tuning\n" +
			"   ftprep submit --model o4-mini-2025-04-16 --method reinforcement --grader grader.json --training-file t.jsonl --validation-file v.jsonl",
		Flags: append(flags, connFlags()...),
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			o := submitOptions{
				conn:           connConfig(cmd),
				trainingFile:   cmd.String("training-file"),
				validationFile: cmd.String("validation-file"),
				graderPath:     cmd.String("grader"),
				force:          cmd.Bool("force"),
				wait:           cmd.Bool("wait"),
				noWait:         cmd.Bool("no-wait"),
				format:         cmd.String("format"),
				interval:       cmd.Duration("interval"),
			}
			o.spec = jobs.Spec{
				Model: cmd.String("model"), Suffix: cmd.String("suffix"), Epochs: cmd.Int("epochs"),
				BatchSize: cmd.Int("batch-size"), LearningRate: cmd.Float("learning-rate-multiplier"),
				Beta: cmd.Float("beta"), Method: cmd.String("method"), TrainingType: strings.ToLower(cmd.String("training-type")),
			}
			if cmd.IsSet("seed") {
				s := cmd.Int64("seed")
				o.spec.Seed = &s
			}
			if cmd.IsSet("epochs") && o.spec.Epochs == 0 {
				o.spec.Epochs = -1 // 0 given explicitly: out of range, not "auto"
			}
			if cmd.IsSet("batch-size") && o.spec.BatchSize == 0 {
				o.spec.BatchSize = -1
			}
			if cmd.IsSet("learning-rate-multiplier") && o.spec.LearningRate == 0 {
				o.spec.LearningRate = -1
			}
			if cmd.IsSet("beta") && o.spec.Beta == 0 {
				o.spec.Beta = -1
			}
			md, err := jobs.ParseMetadata(cmd.StringSlice("metadata"))
			if err != nil {
				return usageErr("%v", err)
			}
			o.spec.Metadata = md
			switch cmd.Args().Len() {
			case 0:
			case 1:
				o.manifest = cmd.Args().First()
			default:
				return usageErr("submit takes at most one manifest argument, got %d (see --help)", cmd.Args().Len())
			}
			if o.wait && o.noWait {
				return usageErr("--wait and --no-wait exclude each other")
			}
			if err := checkFormat(o.format); err != nil {
				return err
			}
			return a.runSubmit(ctx, o)
		},
	}
}

// localOrID tells a local file from a file ID: an existing file is local; a
// name that looks like a path but does not exist is an error.
func localOrID(v string) (local bool, err error) {
	if st, err := os.Stat(v); err == nil {
		if st.IsDir() {
			return false, fmt.Errorf("%s is a directory", v)
		}
		return true, nil
	}
	if strings.ContainsAny(v, `/\`) || strings.HasSuffix(strings.ToLower(v), ".jsonl") || strings.HasSuffix(strings.ToLower(v), ".json") {
		return false, fmt.Errorf("%s: no such file (and it does not look like a file ID)", v)
	}
	return false, nil
}

func (a *app) readManifest(name string) (*split.Manifest, error) {
	var r io.Reader = a.in
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	m, err := split.ReadManifest(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %v (pipe `ftprep split ... --format json` into `ftprep submit -`)", name, err)
	}
	return m, nil
}

// submitOutput is submit's --format json document.
type submitOutput struct {
	Job   jobs.View     `json:"job"`
	Files []upload.File `json:"files"`
}

func (a *app) runSubmit(ctx context.Context, o submitOptions) error {
	if o.manifest != "" {
		if o.trainingFile != "" || o.validationFile != "" {
			return usageErr("give either a split manifest or --training-file/--validation-file, not both")
		}
		m, err := a.readManifest(o.manifest)
		if err != nil {
			return usageErr("%v", err)
		}
		o.trainingFile = m.Train.Path
		if m.Valid.Examples != 0 {
			o.validationFile = m.Valid.Path
		}
	}
	if o.trainingFile == "" && o.spec.Model != "" {
		return usageErr("a training file is required: --training-file PATH|FILE-ID, or a split manifest (see --help)")
	}
	trainLocal, err := localOrID(o.trainingFile)
	if err != nil && o.trainingFile != "" {
		return usageErr("--training-file %v", err)
	}
	validLocal := false
	if o.validationFile != "" {
		if validLocal, err = localOrID(o.validationFile); err != nil {
			return usageErr("--validation-file %v", err)
		}
	}
	var data jobs.Data
	if trainLocal {
		if data, err = jobs.DetectData(o.trainingFile); err != nil {
			return ioErr(err)
		}
	}
	if validLocal {
		vd, err := jobs.DetectData(o.validationFile)
		if err != nil {
			return ioErr(err)
		}
		data.Images = data.Images || vd.Images
	}
	if o.graderPath != "" {
		b, err := os.ReadFile(o.graderPath)
		if err != nil {
			return ioErr(fmt.Errorf("--grader: %w", err))
		}
		o.spec.Grader = b
	}
	// Every local check runs before any request; placeholders stand for files not uploaded yet.
	spec := o.spec
	spec.TrainingFile, spec.ValidationFile = o.trainingFile, o.validationFile
	kind := o.conn.Kind()
	if err := jobs.Check(&spec, kind, data); err != nil {
		return usageErr("%v", err)
	}
	client, err := azconn.NewClient(o.conn)
	if err != nil {
		return usageErr("%v", err)
	}
	files := []upload.File{}
	status := a.err
	if o.format == "json" && !isTerminal(a.err) {
		status = io.Discard
	}
	up := func(path string, valid bool) (string, error) {
		f, err := upload.Upload(ctx, client, o.conn, path, upload.Options{
			NoWait:   o.noWait,
			Status:   status,
			Validate: validate.Options{Model: spec.Model, Target: targetOf(kind), Validation: valid},
		})
		if err != nil {
			var inv *upload.InvalidError
			if errors.As(err, &inv) {
				fmt.Fprintf(a.err, "%s: %d findings; run `ftprep validate %s` for the report\n", path, len(inv.Result.Findings), path)
				return "", failErr(err)
			}
			return "", apiErr(o.conn, "upload "+path, err)
		}
		files = append(files, f)
		return f.ID, nil
	}
	if trainLocal {
		if spec.TrainingFile, err = up(o.trainingFile, false); err != nil {
			return err
		}
	}
	if validLocal {
		if spec.ValidationFile, err = up(o.validationFile, true); err != nil {
			return err
		}
	}
	job, err := jobs.Create(ctx, client, kind, spec, o.force)
	if err != nil {
		var dup *jobs.DuplicateError
		if errors.As(err, &dup) {
			return failErr(err)
		}
		return apiErr(o.conn, "create the fine-tuning job", err)
	}
	if o.wait {
		fmt.Fprintf(a.err, "created fine-tuning job %s; following its events (Ctrl-C stops following, not the job)\n", job.ID)
		events := a.out
		if o.format == "json" {
			events = a.err
		}
		final, err := a.follow(ctx, client, job.ID, o.interval, events)
		if err != nil {
			return followErr(o.conn, job.ID, err)
		}
		job = final
	}
	v := jobs.NewView(job)
	if o.format == "json" {
		if err := writeJSON(a.out, submitOutput{Job: v, Files: files}); err != nil {
			return ioErr(err)
		}
	} else if !o.wait {
		for _, f := range files {
			how := "uploaded"
			if f.Reused {
				how = "reused (identical file already on the service)"
			}
			fmt.Fprintf(a.out, "%s: %s, %s\n", f.Filename, f.ID, how)
		}
		fmt.Fprintf(a.out, "created fine-tuning job %s (%s)\n", v.ID, v.Status)
		fmt.Fprintf(a.out, "follow it with: ftprep jobs events --follow %s\n", v.ID)
	}
	if o.wait {
		return a.endOfJob(v, o.format == "json")
	}
	return nil
}

// endOfJob turns a finished job into the exit code: 0 succeeded, 1 otherwise with the service's error.
func (a *app) endOfJob(v jobs.View, quiet bool) error {
	switch v.Status {
	case jobs.StatusSucceeded:
		if !quiet {
			fmt.Fprintf(a.out, "job %s succeeded: fine-tuned model %s\n", v.ID, v.FineTunedModel)
			fmt.Fprintf(a.out, "next: ftprep results %s --plot loss.png\n", v.ID)
		}
		return nil
	case jobs.StatusFailed:
		msg := "no error details from the service"
		if v.Error != nil {
			msg = v.Error.String()
		}
		return failErr(fmt.Errorf("job %s failed: %s", v.ID, msg))
	default:
		return failErr(fmt.Errorf("job %s ended %s", v.ID, v.Status))
	}
}

// follow prints the job's events to w until it ends, and its status changes to stderr.
func (a *app) follow(ctx context.Context, client openai.Client, id string, interval time.Duration, w io.Writer) (*openai.FineTuningJob, error) {
	return jobs.Follow(ctx, client, id, jobs.FollowOptions{
		Interval: interval,
		OnEvent:  func(e openai.FineTuningJobEvent) { fmt.Fprintln(w, jobs.FormatEvent(e)) },
		OnStatus: func(j *openai.FineTuningJob) {
			if isTerminal(a.err) {
				fmt.Fprintf(a.err, "status: %s\n", j.Status)
			}
		},
	})
}

func targetOf(k azconn.Kind) string {
	if k == azconn.OpenAI {
		return "openai"
	}
	return "azure"
}

// followErr reports why following a job stopped; an interrupt stops the
// following, not the job, and says how to pick it up again.
func followErr(cfg azconn.Config, id string, err error) error {
	if errors.Is(err, context.Canceled) {
		return failErr(fmt.Errorf("stopped following job %s; it keeps running on the service (ftprep jobs wait %s)", id, id))
	}
	return apiErr(cfg, "follow job "+id, err)
}

// apiErr explains a failed service call (exit 1) with azconn's explanation:
// the credential used and the role for 401/403, endpoint and api-version for 404.
func apiErr(cfg azconn.Config, op string, err error) error {
	if errors.Is(err, context.Canceled) {
		return failErr(fmt.Errorf("%s: interrupted", op))
	}
	return failErr(cfg.Explain(op, err))
}
