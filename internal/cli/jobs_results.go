package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ftprep/ftprep/pkg/atomicfile"
	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/jobs"
	"github.com/ftprep/ftprep/pkg/results"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"
	ucli "github.com/urfave/cli/v3"
)

// jobOptions are the inputs shared by the `ftprep jobs` subcommands.
type jobOptions struct {
	conn     azconn.Config
	id       string
	format   string
	follow   bool
	limit    int
	interval time.Duration
}

// jobArgs reads the subcommand's positional arguments (want of them) and common flags.
func jobArgs(cmd *ucli.Command, want int, usage string) (jobOptions, []string, error) {
	o := jobOptions{conn: connConfig(cmd), interval: cmd.Duration("interval"), format: "text"}
	if cmd.IsSet("format") || cmd.String("format") != "" {
		o.format = cmd.String("format")
		if err := checkFormat(o.format); err != nil {
			return o, nil, err
		}
	}
	args := cmd.Args().Slice()
	if len(args) != want {
		return o, nil, usageErr("usage: ftprep jobs %s %s (see --help)", cmd.Name, usage)
	}
	if want > 0 {
		o.id = args[0]
	}
	return o, args, nil
}

func (o jobOptions) client() (openai.Client, error) {
	c, err := azconn.NewClient(o.conn)
	if err != nil {
		return c, usageErr("%v", err)
	}
	return c, nil
}

func (a *app) jobsCommand() *ucli.Command {
	conn := connFlags()
	withConn := func(fs ...ucli.Flag) []ucli.Flag { return append(fs, conn...) }
	simple := func(name, usage string, run func(context.Context, jobOptions) error, extra ...ucli.Flag) *ucli.Command {
		return &ucli.Command{
			Name: name, Usage: usage, ArgsUsage: "JOB",
			Flags: withConn(append(extra, formatFlag())...),
			Action: func(ctx context.Context, cmd *ucli.Command) error {
				o, _, err := jobArgs(cmd, 1, "JOB")
				if err != nil {
					return err
				}
				o.follow = cmd.Bool("follow")
				return run(ctx, o)
			},
		}
	}
	return &ucli.Command{
		Name:  "jobs",
		Usage: "list, inspect, pause, resume, cancel, wait for and delete fine-tuning jobs",
		Description: "Every subcommand takes the connection flags of upload/submit.\n\n" +
			"   ftprep jobs list\n" +
			"   ftprep jobs show ftjob-abc123\n" +
			"   ftprep jobs events --follow ftjob-abc123      # stream events until the job ends\n" +
			"   ftprep jobs wait ftjob-abc123                 # exit 0 succeeded, 1 failed or cancelled\n" +
			"   ftprep jobs checkpoints ftjob-abc123\n" +
			"   ftprep jobs copy-checkpoint ftjob-abc123 ftchkpt-xyz --to-resource /subscriptions/.../accounts/other --region swedencentral\n" +
			"   ftprep jobs delete ftjob-abc123               # clean-up: the job and its customized model",
		Commands: []*ucli.Command{
			{
				Name: "list", Usage: "list recent fine-tuning jobs, newest first",
				Flags: withConn(&ucli.IntFlag{Name: "limit", Usage: "how many jobs", Value: 20}, formatFlag()),
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					o, _, err := jobArgs(cmd, 0, "")
					if err != nil {
						return err
					}
					o.limit = cmd.Int("limit")
					if o.limit < 1 {
						return usageErr("--limit %d: want at least 1", o.limit)
					}
					return a.runJobsList(ctx, o)
				},
			},
			simple("show", "show a job: status, models, tokens, timestamps, error, estimated finish", a.runJobsShow),
			simple("events", "print a job's events (--follow: until it ends)", a.runJobsEvents,
				&ucli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing new events until the job ends"}, intervalFlag()),
			simple("checkpoints", "list a job's checkpoints with their metrics", a.runJobsCheckpoints),
			simple("pause", "pause a running job", a.jobAction("pause")),
			simple("resume", "resume a paused job", a.jobAction("resume")),
			simple("cancel", "cancel a job", a.jobAction("cancel")),
			simple("wait", "follow a job's events until it ends; exit 0 succeeded, 1 failed or cancelled", a.runJobsWait, intervalFlag()),
			simple("delete", "delete a job and its customized model (Azure); the fine-tuned model (OpenAI)", a.runJobsDelete),
			{
				Name: "copy-checkpoint", Usage: "copy a checkpoint to another Azure OpenAI resource and region (preview API)",
				ArgsUsage: "JOB CHECKPOINT",
				Description: "Uses the /openai/v1 surface with the header aoai-copy-ft-checkpoints: preview, whatever --api-version says.\n\n" +
					"   ftprep jobs copy-checkpoint ftjob-abc ftchkpt-xyz --to-resource /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/OTHER --region eastus2\n" +
					"   ftprep jobs copy-status ftjob-abc ftchkpt-xyz",
				Flags: withConn(
					&ucli.StringFlag{Name: "to-resource", Usage: "destination resource ID (/subscriptions/.../providers/Microsoft.CognitiveServices/accounts/NAME)"},
					&ucli.StringFlag{Name: "region", Usage: "destination region, e.g. swedencentral"},
					formatFlag()),
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					o, args, err := jobArgs(cmd, 2, "JOB CHECKPOINT --to-resource RESOURCE_ID --region REGION")
					if err != nil {
						return err
					}
					res, region := cmd.String("to-resource"), cmd.String("region")
					if res == "" || region == "" {
						return usageErr("copy-checkpoint needs --to-resource RESOURCE_ID and --region REGION")
					}
					if !strings.HasPrefix(res, "/subscriptions/") {
						return usageErr("--to-resource %q: want a resource ID, /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/NAME", res)
					}
					return a.runCopy(ctx, o, args[1], res, region)
				},
			},
			{
				Name: "copy-status", Usage: "show the state of a checkpoint copy", ArgsUsage: "JOB CHECKPOINT",
				Flags: withConn(formatFlag()),
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					o, args, err := jobArgs(cmd, 2, "JOB CHECKPOINT")
					if err != nil {
						return err
					}
					return a.runCopy(ctx, o, args[1], "", "")
				},
			},
		},
	}
}

func (a *app) runJobsList(ctx context.Context, o jobOptions) error {
	client, err := o.client()
	if err != nil {
		return err
	}
	pager := client.FineTuning.Jobs.ListAutoPaging(ctx, openai.FineTuningJobListParams{Limit: param.NewOpt(int64(min(o.limit, 100)))})
	views := []jobs.View{}
	for len(views) < o.limit && pager.Next() {
		j := pager.Current()
		views = append(views, jobs.NewView(&j))
	}
	if err := pager.Err(); err != nil {
		return apiErr(o.conn, "list jobs", err)
	}
	if o.format == "json" {
		return writeOut(a, map[string]any{"jobs": views})
	}
	tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tMODEL\tFINE-TUNED MODEL\tCREATED")
	for _, v := range views {
		created := ""
		if v.CreatedAt > 0 {
			created = time.Unix(v.CreatedAt, 0).UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.ID, v.Status, v.Model, dash(v.FineTunedModel), created)
	}
	return flushOut(tw.Flush())
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeOut(a *app, v any) error {
	if err := writeJSON(a.out, v); err != nil {
		return ioErr(err)
	}
	return nil
}

func flushOut(err error) error {
	if err != nil {
		return ioErr(err)
	}
	return nil
}

func (a *app) runJobsShow(ctx context.Context, o jobOptions) error {
	client, err := o.client()
	if err != nil {
		return err
	}
	j, err := client.FineTuning.Jobs.Get(ctx, o.id)
	if err != nil {
		return apiErr(o.conn, "show job "+o.id, err)
	}
	v := jobs.NewView(j)
	if o.format == "json" {
		return writeOut(a, map[string]any{"job": v})
	}
	return flushOut(v.WriteText(a.out))
}

func (a *app) runJobsEvents(ctx context.Context, o jobOptions) error {
	client, err := o.client()
	if err != nil {
		return err
	}
	if o.follow {
		j, err := a.follow(ctx, client, o.id, o.interval, a.out)
		if err != nil {
			return followErr(o.conn, o.id, err)
		}
		v := jobs.NewView(j)
		if v.Error != nil {
			fmt.Fprintf(a.err, "job %s %s: %s\n", v.ID, v.Status, v.Error)
		} else {
			fmt.Fprintf(a.err, "job %s %s\n", v.ID, v.Status)
		}
		return nil
	}
	evs, err := jobs.NewEvents(ctx, client, o.id, map[string]bool{})
	if err != nil {
		return apiErr(o.conn, "list events of job "+o.id, err)
	}
	if o.format == "json" {
		out := make([]map[string]any, 0, len(evs))
		for _, e := range evs {
			out = append(out, map[string]any{"id": e.ID, "created_at": e.CreatedAt, "level": e.Level, "type": e.Type, "message": e.Message})
		}
		return writeOut(a, map[string]any{"events": out})
	}
	var b bytes.Buffer
	for _, e := range evs {
		fmt.Fprintln(&b, jobs.FormatEvent(e))
	}
	_, err = a.out.Write(b.Bytes())
	return flushOut(err)
}

func (a *app) runJobsWait(ctx context.Context, o jobOptions) error {
	client, err := o.client()
	if err != nil {
		return err
	}
	j, err := a.follow(ctx, client, o.id, o.interval, a.err)
	if err != nil {
		return followErr(o.conn, o.id, err)
	}
	v := jobs.NewView(j)
	if o.format == "json" {
		if err := writeOut(a, map[string]any{"job": v}); err != nil {
			return err
		}
	}
	return a.endOfJob(v, o.format == "json")
}

func (a *app) runJobsCheckpoints(ctx context.Context, o jobOptions) error {
	client, err := o.client()
	if err != nil {
		return err
	}
	pager := client.FineTuning.Jobs.Checkpoints.ListAutoPaging(ctx, o.id, openai.FineTuningJobCheckpointListParams{Limit: param.NewOpt(int64(100))})
	type ckpt struct {
		ID         string             `json:"id"`
		Checkpoint string             `json:"fine_tuned_model_checkpoint"`
		Step       int64              `json:"step_number"`
		CreatedAt  int64              `json:"created_at"`
		Metrics    map[string]float64 `json:"metrics"`
	}
	list := []ckpt{}
	for pager.Next() && len(list) < 1000 {
		c := pager.Current()
		m := c.Metrics
		metrics := map[string]float64{}
		for k, v := range map[string]float64{"train_loss": m.TrainLoss, "train_mean_token_accuracy": m.TrainMeanTokenAccuracy,
			"valid_loss": m.ValidLoss, "valid_mean_token_accuracy": m.ValidMeanTokenAccuracy,
			"full_valid_loss": m.FullValidLoss, "full_valid_mean_token_accuracy": m.FullValidMeanTokenAccuracy} {
			if v != 0 {
				metrics[k] = v
			}
		}
		list = append(list, ckpt{ID: c.ID, Checkpoint: c.FineTunedModelCheckpoint, Step: c.StepNumber, CreatedAt: c.CreatedAt, Metrics: metrics})
	}
	if err := pager.Err(); err != nil {
		return apiErr(o.conn, "list checkpoints of job "+o.id, err)
	}
	if o.format == "json" {
		return writeOut(a, map[string]any{"checkpoints": list})
	}
	tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTEP\tCHECKPOINT MODEL\tTRAIN LOSS\tFULL VALID LOSS")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", c.ID, c.Step, c.Checkpoint, metric(c.Metrics, "train_loss"), metric(c.Metrics, "full_valid_loss"))
	}
	if len(list) > 0 {
		fmt.Fprintf(tw, "\ncontinue fine-tuning from one: ftprep submit --model CHECKPOINT-MODEL --training-file ...\n")
	}
	return flushOut(tw.Flush())
}

func metric(m map[string]float64, k string) string {
	if v, ok := m[k]; ok {
		return fmt.Sprintf("%.4f", v)
	}
	return "-"
}

func (a *app) jobAction(kind string) func(context.Context, jobOptions) error {
	return func(ctx context.Context, o jobOptions) error {
		client, err := o.client()
		if err != nil {
			return err
		}
		var j *openai.FineTuningJob
		switch kind {
		case "pause":
			j, err = client.FineTuning.Jobs.Pause(ctx, o.id)
		case "resume":
			j, err = client.FineTuning.Jobs.Resume(ctx, o.id)
		default:
			j, err = client.FineTuning.Jobs.Cancel(ctx, o.id)
		}
		if err != nil {
			return apiErr(o.conn, kind+" job "+o.id, err)
		}
		v := jobs.NewView(j)
		if o.format == "json" {
			return writeOut(a, map[string]any{"job": v})
		}
		fmt.Fprintf(a.out, "job %s: %s\n", v.ID, v.Status)
		return nil
	}
}

func (a *app) runJobsDelete(ctx context.Context, o jobOptions) error {
	cfg := o.conn
	// The /openai/v1 surface has no job deletion; the dated surface has.
	if cfg.Kind() == azconn.AzureV1 {
		cfg.APIVersion = azconn.DefaultAPIVersion
	}
	client, err := azconn.NewClient(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	what, err := jobs.Delete(ctx, client, cfg.Kind(), o.id)
	if err != nil {
		return apiErr(cfg, "delete job "+o.id, err)
	}
	if o.format == "json" {
		return writeOut(a, map[string]any{"deleted": what})
	}
	fmt.Fprintf(a.out, "deleted %s\n", what)
	return nil
}

// runCopy starts a checkpoint copy (resource != "") or reads its state.
func (a *app) runCopy(ctx context.Context, o jobOptions, checkpoint, resource, region string) error {
	cfg := o.conn
	if cfg.Kind() == azconn.OpenAI {
		return usageErr("%v", jobs.ErrCopyNeedsAzure)
	}
	cfg.APIVersion = "v1"
	client, err := azconn.NewClient(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	var res jobs.CopyResult
	if resource != "" {
		res, err = jobs.CopyCheckpoint(ctx, client, o.id, checkpoint, resource, region)
	} else {
		res, err = jobs.CopyStatus(ctx, client, o.id, checkpoint)
	}
	if err != nil {
		return apiErr(cfg, "checkpoint copy of "+checkpoint, err)
	}
	if o.format == "json" {
		return writeOut(a, res)
	}
	fmt.Fprintf(a.out, "checkpoint %s of job %s\n", dash(res.CheckpointedModelName), dash(res.FineTuningJobID))
	for _, d := range res.CopiedAccountDetails {
		fmt.Fprintf(a.out, "  %s  %s  %s\n", d.Status, d.Region, d.DestinationResourceID)
	}
	if resource != "" {
		fmt.Fprintf(a.out, "check progress with: ftprep jobs copy-status %s %s\n", o.id, checkpoint)
	}
	return nil
}

// resultsOptions are the inputs of `ftprep results`.
type resultsOptions struct {
	conn   azconn.Config
	id     string
	out    string // directory for results.csv ("" = not saved)
	plot   string // PNG or SVG path ("" = none)
	format string
	width  int
}

func (a *app) resultsCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "results",
		Usage:     "download a job's results.csv, summarise it and plot loss and token accuracy",
		ArgsUsage: "JOB",
		Description: "Prints the final training and validation loss and token accuracy, the step with the best\n" +
			"full validation loss, and warns when validation loss rises while training loss falls\n" +
			"(over-fitting: try fewer epochs or a lower learning-rate multiplier).\n\n" +
			"   ftprep results ftjob-abc123\n" +
			"   ftprep results ftjob-abc123 --out runs/abc --plot runs/abc/loss.png\n" +
			"   ftprep results ftjob-abc123 --format json | jq .best_full_valid_loss",
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "out", Usage: "directory to save results.csv in"},
			&ucli.StringFlag{Name: "plot", Usage: "write a plot of loss and token accuracy against step (PATH.png or PATH.svg)"},
			&ucli.IntFlag{Name: "width", Usage: "terminal chart width in columns", Value: 60},
			formatFlag(),
		}, connFlags()...),
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			if cmd.Args().Len() != 1 {
				return usageErr("usage: ftprep results JOB [--out DIR] [--plot PATH.png|.svg] (see --help)")
			}
			o := resultsOptions{conn: connConfig(cmd), id: cmd.Args().First(), out: cmd.String("out"),
				plot: cmd.String("plot"), format: cmd.String("format"), width: cmd.Int("width")}
			if err := checkFormat(o.format); err != nil {
				return err
			}
			if o.plot != "" {
				if _, err := results.Format(o.plot); err != nil {
					return usageErr("--plot %v", err)
				}
			}
			return a.runResults(ctx, o)
		},
	}
}

func (a *app) runResults(ctx context.Context, o resultsOptions) error {
	client, err := azconn.NewClient(o.conn)
	if err != nil {
		return usageErr("%v", err)
	}
	csv, fileID, _, err := results.Download(ctx, client, o.id)
	if err != nil {
		return apiErr(o.conn, "results of job "+o.id, err)
	}
	rows, err := results.Parse(bytes.NewReader(csv))
	if err != nil {
		return failErr(fmt.Errorf("result file %s: %w", fileID, err))
	}
	var saved, plotted string
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return ioErr(err)
		}
		saved = filepath.Join(o.out, "results.csv")
		if err := writeAtomic(saved, csv); err != nil {
			return ioErr(err)
		}
	}
	if o.plot != "" {
		format, _ := results.Format(o.plot)
		var b bytes.Buffer
		if err := results.Plot(&b, rows, format, results.PlotOptions{Title: o.id}); err != nil {
			return ioErr(fmt.Errorf("plot: %w", err))
		}
		if err := writeAtomic(o.plot, b.Bytes()); err != nil {
			return ioErr(err)
		}
		plotted = o.plot
	}
	s := results.Summarize(rows)
	if o.format == "json" {
		return writeOut(a, map[string]any{"job": o.id, "result_file": fileID, "saved": saved, "plot": plotted, "summary": s})
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "job %s, result file %s\n", o.id, fileID)
	_ = s.WriteText(&b)
	b.WriteString("\n")
	_ = results.WriteChart(&b, rows, o.width)
	if saved != "" {
		fmt.Fprintf(&b, "\nsaved %s\n", saved)
	}
	if plotted != "" {
		fmt.Fprintf(&b, "plot written to %s\n", plotted)
	}
	_, err = a.out.Write(b.Bytes())
	return flushOut(err)
}

// writeAtomic writes b to path through a temporary file, so an interrupted run leaves no partial file.
func writeAtomic(path string, b []byte) error {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}
