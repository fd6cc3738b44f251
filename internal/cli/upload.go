package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/upload"
	"github.com/openai/openai-go/v3"
	ucli "github.com/urfave/cli/v3"
)

// uploadFlags are the flags upload and import share.
func uploadFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: "no-wait", Usage: "return after the transfer, without waiting until the service has processed the file"},
		&ucli.BoolFlag{Name: "no-validate", Usage: "skip the local validation (not recommended)"},
		&ucli.BoolFlag{Name: "force", Usage: "send the file even when an identical one (same name, size and SHA-256) is already on the service"},
		&ucli.DurationFlag{Name: "timeout", Usage: "how long to wait for processing", Value: 30 * time.Minute},
		formatFlag(),
		&ucli.StringFlag{Name: "model", Usage: "model the data is for (validation: context limit, encoding)"},
		&ucli.StringFlag{Name: "method", Usage: "training method for validation: auto, sft, dpo or rft", Value: "auto"},
		&ucli.DurationFlag{Name: "expires-after", Usage: "let the service delete the file this long after upload (1h to 720h; default never, 720h on the v1 surface)"},
	}
}

// uploadOpts are the options of ftprep upload and ftprep import.
type uploadOpts struct {
	files  []string
	format string
	up     upload.Options
	cfg    azconn.Config
	imp    *upload.ImportOptions // nil for upload
}

func (a *app) readUploadOpts(cmd *ucli.Command) (uploadOpts, error) {
	o := uploadOpts{files: cmd.Args().Slice(), format: cmd.String("format"), cfg: connConfig(cmd)}
	if len(o.files) == 0 {
		return o, usageErr("%s: name at least one FILE (see --help)", cmd.Name)
	}
	if err := checkFormat(o.format); err != nil {
		return o, err
	}
	o.up = upload.Options{
		NoValidate: cmd.Bool("no-validate"), Force: cmd.Bool("force"), NoWait: cmd.Bool("no-wait"),
		Timeout: cmd.Duration("timeout"), Status: a.err, ExpiresAfter: cmd.Duration("expires-after"),
	}
	if e := o.up.ExpiresAfter; e != 0 && (e < time.Hour || e > upload.MaxExpiry) {
		return o, usageErr("--expires-after must be between 1h and 720h, not %s", e)
	}
	o.up.Validate.Model = cmd.String("model")
	o.up.Validate.Method = cmd.String("method")
	return o, nil
}

func (a *app) uploadCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "upload",
		Usage:     "validate training files and upload them (purpose fine-tune), waiting until they are processed",
		ArgsUsage: "FILE...",
		Description: "Each file is validated first; an invalid file is refused (exit 1) and nothing is sent.\n" +
			"It is stored as NAME.sha256-<16 hex digits>.jsonl, so an identical file already on the service\n" +
			"is reused instead of uploaded again (--force to upload anyway). Files up to 64 MiB go in one\n" +
			"multipart request; larger ones through the Uploads API in 64 MiB parts, sent in parallel and\n" +
			"retried one by one. Files over 512 MiB are refused: use ftprep import (Blob Storage).\n" +
			"Then ftprep polls until the service reports processed (exit 0) or error (exit 1, with its details).\n\n" +
			"Examples:\n" +
			"   ftprep upload train.jsonl valid.jsonl                     # endpoint and key from the environment\n" +
			"   ftprep upload --endpoint https://RES.openai.azure.com train.jsonl   # Microsoft Entra ID (az login)\n" +
			"   ftprep upload --format json --no-wait train.jsonl | jq -r '.files[0].id'",
		Flags: append(uploadFlags(), connFlags()...),
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			o, err := a.readUploadOpts(cmd)
			if err != nil {
				return err
			}
			return a.runUpload(ctx, o)
		},
	}
}

func (a *app) importCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "import",
		Usage:     "validate a training file, put it in Azure Blob Storage and import it into Azure OpenAI",
		ArgsUsage: "FILE",
		Description: "For large files (the service cannot resume a large multipart upload). ftprep validates FILE,\n" +
			"uploads it as a block blob (parallel blocks, Content-MD5, SHA-256 in the metadata; skipped when the\n" +
			"same content is already there), creates a read-only SAS URL for that blob valid for --sas-expiry\n" +
			"(account key: service SAS; Microsoft Entra ID: user delegation SAS) and calls\n" +
			"POST /openai/files/import with it. The SAS signature is never printed. Then it waits like upload.\n\n" +
			"Examples:\n" +
			"   AZURE_STORAGE_CONNECTION_STRING='...' ftprep import big.jsonl --container training\n" +
			"   ftprep import big.jsonl --account-url https://ACCOUNT.blob.core.windows.net --container training  # az login",
		Flags: append(append(uploadFlags(),
			&ucli.StringFlag{Name: "connection-string", Usage: "storage connection string with AccountKey", Sources: ucli.EnvVars("AZURE_STORAGE_CONNECTION_STRING"), Category: "Storage"},
			&ucli.StringFlag{Name: "account-url", Usage: "blob service URL, used with Microsoft Entra ID (needs 'Storage Blob Data Contributor')", Category: "Storage"},
			&ucli.StringFlag{Name: "container", Usage: "container name (created when missing)", Category: "Storage"},
			&ucli.StringFlag{Name: "blob-name", Usage: "blob name (default: the name the file gets on the service)", Category: "Storage"},
			&ucli.DurationFlag{Name: "sas-expiry", Usage: "lifetime of the read-only SAS URL", Value: time.Hour, Category: "Storage"},
		), connFlags()...),
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			o, err := a.readUploadOpts(cmd)
			if err != nil {
				return err
			}
			if len(o.files) != 1 {
				return usageErr("import: name exactly one FILE")
			}
			if cmd.String("container") == "" {
				return usageErr("import: --container is required")
			}
			if cmd.String("connection-string") == "" && cmd.String("account-url") == "" {
				return usageErr("import: give --connection-string (or AZURE_STORAGE_CONNECTION_STRING) or --account-url (Microsoft Entra ID)")
			}
			o.imp = &upload.ImportOptions{
				ConnectionString: cmd.String("connection-string"), AccountURL: cmd.String("account-url"),
				Container: cmd.String("container"), BlobName: cmd.String("blob-name"), SASExpiry: cmd.Duration("sas-expiry"),
			}
			return a.runUpload(ctx, o)
		},
	}
}

// dataClient builds the service client for cfg (nothing is sent yet).
func dataClient(cfg azconn.Config) (openai.Client, error) {
	c, err := azconn.NewClient(cfg)
	if errors.Is(err, azconn.ErrNoService) {
		return c, usageErr("%v", err)
	}
	if err != nil {
		return c, ioErr(err)
	}
	return c, nil
}

// runUpload uploads (or imports) each file, reports, and decides the exit code.
func (a *app) runUpload(ctx context.Context, o uploadOpts) error {
	for _, p := range o.files {
		if st, err := os.Stat(p); err != nil {
			return ioErr(err)
		} else if st.IsDir() {
			return usageErr("%s is a directory", p)
		}
	}
	c, err := dataClient(o.cfg)
	if err != nil {
		return err
	}
	files := []upload.File{}
	failed := false
	for _, p := range o.files {
		up := o.up
		bar := a.progressBar(filepath.Base(p))
		up.Progress = bar.update
		var f upload.File
		if o.imp != nil {
			imp := *o.imp
			imp.Options = up
			f, err = upload.Import(ctx, c, o.cfg, p, imp)
		} else {
			f, err = upload.Upload(ctx, c, o.cfg, p, up)
		}
		bar.done()
		if err != nil {
			failed = true
			var ie *upload.InvalidError
			if errors.As(err, &ie) {
				a.printFindings(ie)
			}
			fmt.Fprintf(a.err, "ftprep: %v\n", err)
			if f.ID != "" {
				files = append(files, f)
			}
			if ctx.Err() != nil {
				break
			}
			continue
		}
		files = append(files, f)
	}
	if o.format == "json" {
		if err := writeJSON(a.out, map[string]any{"files": files}); err != nil {
			return ioErr(err)
		}
	} else {
		for _, f := range files {
			note := ""
			if f.Reused {
				note = " (already there, reused)"
			}
			fmt.Fprintf(a.out, "%s\t%s\t%s\t%d bytes%s\n", f.ID, f.Status, f.Filename, f.Bytes, note)
		}
	}
	if failed {
		return silentExit(ExitFindings)
	}
	return nil
}

// printFindings shows why a file was refused (the first 20 findings).
func (a *app) printFindings(ie *upload.InvalidError) {
	const most = 20
	for i, f := range ie.Result.Findings {
		if i == most {
			fmt.Fprintf(a.err, "... and %d more; run: ftprep validate %s\n", len(ie.Result.Findings)-most, ie.Result.Path)
			break
		}
		pos := "" // whole-file findings have no line
		if f.Line > 0 {
			pos = fmt.Sprintf(":%d", f.Line)
			if f.Column > 0 {
				pos += fmt.Sprintf(":%d", f.Column)
			}
		}
		fmt.Fprintf(a.err, "%s%s: %s: %s [%s]\n", ie.Result.Path, pos, f.Severity, f.Message, f.Rule)
	}
}

// bar draws a transfer progress bar on a terminal (stderr), at most ten times a second.
type bar struct {
	w     io.Writer
	name  string
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func (a *app) progressBar(name string) *bar {
	if !isTerminal(a.err) {
		return &bar{}
	}
	return &bar{w: a.err, name: name}
}

func (b *bar) update(sent, total int64) {
	if b.w == nil || total <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Since(b.last) < 100*time.Millisecond && sent < total {
		return
	}
	b.last = time.Now()
	const width = 30
	n := int(sent * width / total)
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %.1f/%.1f MiB", b.name, strings.Repeat("#", n), strings.Repeat("-", width-n),
		sent*100/total, float64(sent)/(1<<20), float64(total)/(1<<20))
	b.drawn = true
}

func (b *bar) done() {
	if b.w != nil && b.drawn {
		fmt.Fprintln(b.w)
	}
}

func (a *app) filesCommand() *ucli.Command {
	format := formatFlag()
	// withClient checks usage (args: -1 = none, 1 = exactly one, 2 = one or more), then builds the client.
	withClient := func(args int, run func(ctx context.Context, cmd *ucli.Command, c openai.Client, cfg azconn.Config) error) ucli.ActionFunc {
		return func(ctx context.Context, cmd *ucli.Command) error {
			switch n := cmd.NArg(); {
			case args < 0 && n > 0:
				return usageErr("files %s takes no arguments", cmd.Name)
			case args == 1 && n != 1:
				return usageErr("files %s: name exactly one ID", cmd.Name)
			case args == 2 && n == 0:
				return usageErr("files %s: name at least one ID", cmd.Name)
			}
			if f := cmd.String("format"); f != "" { // subcommands without --format
				if err := checkFormat(f); err != nil {
					return err
				}
			}
			cfg := connConfig(cmd)
			c, err := dataClient(cfg)
			if err != nil {
				return err
			}
			return run(ctx, cmd, c, cfg)
		}
	}
	return &ucli.Command{
		Name:  "files",
		Usage: "list, show, delete or download files on the service",
		Description: "Examples:\n" +
			"   ftprep files list                       # all files; --purpose fine-tune for training data\n" +
			"   ftprep files show file-abc123\n" +
			"   ftprep files download file-abc123 -o results.csv   # e.g. a job's fine-tune-results file\n" +
			"   ftprep files delete file-abc123 file-def456         # the guides' clean-up step",
		Commands: []*ucli.Command{
			{
				Name: "list", Usage: "list files",
				Flags: append([]ucli.Flag{format, &ucli.StringFlag{Name: "purpose", Usage: "only files with this purpose (fine-tune, fine-tune-results, ...)"}}, connFlags()...),
				Action: withClient(-1, func(ctx context.Context, cmd *ucli.Command, c openai.Client, cfg azconn.Config) error {
					fs, err := upload.List(ctx, c, cfg, cmd.String("purpose"))
					if err != nil {
						return failErr(err)
					}
					return a.printRemotes(cmd.String("format"), fs)
				}),
			},
			{
				Name: "show", Usage: "show files", ArgsUsage: "ID...",
				Flags: append([]ucli.Flag{format}, connFlags()...),
				Action: withClient(2, func(ctx context.Context, cmd *ucli.Command, c openai.Client, cfg azconn.Config) error {
					fs := []upload.Remote{}
					var failed error
					for _, id := range cmd.Args().Slice() {
						f, err := upload.Show(ctx, c, cfg, id)
						if err != nil {
							fmt.Fprintf(a.err, "ftprep: %v\n", err)
							failed = err
							continue
						}
						fs = append(fs, f)
					}
					if err := a.printRemotes(cmd.String("format"), fs); err != nil {
						return err
					}
					if failed != nil {
						return silentExit(ExitFindings)
					}
					return nil
				}),
			},
			{
				Name: "delete", Usage: "delete files", ArgsUsage: "ID...",
				Flags: connFlags(),
				Action: withClient(2, func(ctx context.Context, cmd *ucli.Command, c openai.Client, cfg azconn.Config) error {
					var failed bool
					for _, id := range cmd.Args().Slice() {
						if err := upload.Delete(ctx, c, cfg, id); err != nil {
							fmt.Fprintf(a.err, "ftprep: %v\n", err)
							failed = true
							continue
						}
						fmt.Fprintf(a.out, "deleted %s\n", id)
					}
					if failed {
						return silentExit(ExitFindings)
					}
					return nil
				}),
			},
			{
				Name: "download", Usage: "download a file's content", ArgsUsage: "ID",
				Flags: append([]ucli.Flag{&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to this file (default: standard output)"}}, connFlags()...),
				Action: withClient(1, func(ctx context.Context, cmd *ucli.Command, c openai.Client, cfg azconn.Config) error {
					id := cmd.Args().First()
					out := cmd.String("output")
					if out == "" || out == "-" {
						if _, err := upload.Download(ctx, c, cfg, id, a.out); err != nil {
							return failErr(err)
						}
						return nil
					}
					// Write next to the target and rename, so a failed download leaves no partial file.
					tmp, err := os.CreateTemp(filepath.Dir(out), ".ftprep-download-*")
					if err != nil {
						return ioErr(err)
					}
					defer os.Remove(tmp.Name())
					n, err := upload.Download(ctx, c, cfg, id, tmp)
					if cerr := tmp.Close(); err == nil && cerr != nil {
						return ioErr(cerr)
					}
					if err != nil {
						return failErr(err)
					}
					if err := os.Rename(tmp.Name(), out); err != nil {
						return ioErr(err)
					}
					fmt.Fprintf(a.err, "%s: %d bytes written to %s\n", id, n, out)
					return nil
				}),
			},
		},
	}
}

// printRemotes prints files as a table or as {"files": [...]}.
func (a *app) printRemotes(format string, fs []upload.Remote) error {
	if format == "json" {
		if err := writeJSON(a.out, map[string]any{"files": fs}); err != nil {
			return ioErr(err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tPURPOSE\tBYTES\tCREATED\tFILENAME")
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", f.ID, f.Status, f.Purpose, f.Bytes, f.CreatedAt, f.Filename)
		if f.StatusDetails != "" {
			fmt.Fprintf(tw, "\t  %s\n", f.StatusDetails)
		}
	}
	return tw.Flush()
}
