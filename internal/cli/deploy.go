package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	ucli "github.com/urfave/cli/v3"

	"github.com/ftprep/ftprep/pkg/azconn"
	"github.com/ftprep/ftprep/pkg/chat"
	"github.com/ftprep/ftprep/pkg/deploy"
	"github.com/ftprep/ftprep/pkg/models"
)

// armFlags are the control-plane flags of deploy and deployments.
func armFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "subscription", Usage: "Azure subscription ID of the account", Sources: ucli.EnvVars("AZURE_SUBSCRIPTION_ID"), Category: "Account"},
		&ucli.StringFlag{Name: "resource-group", Aliases: []string{"g"}, Usage: "resource group of the account", Sources: ucli.EnvVars("AZURE_RESOURCE_GROUP"), Category: "Account"},
		&ucli.StringFlag{Name: "account", Usage: "Azure OpenAI / Foundry resource name (the RES of https://RES.openai.azure.com)", Category: "Account"},
		&ucli.StringFlag{Name: "arm-token", Usage: "bearer `TOKEN` for Azure Resource Manager (what az account get-access-token prints); without one, DefaultAzureCredential (az login, managed identity, ...) is used", Sources: ucli.EnvVars("AZURE_ACCESS_TOKEN"), Category: "Account"},
		&ucli.StringFlag{Name: "arm-endpoint", Usage: "Azure Resource Manager endpoint (sovereign clouds, tests); http only for loopback hosts", Value: deploy.DefaultEndpoint, Category: "Account"},
	}
}

// armWaitFlags control waiting on long-running operations.
func armWaitFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: "no-wait", Usage: "return once Azure accepted the request, without waiting for it to finish", Category: "Waiting"},
		&ucli.DurationFlag{Name: "poll-interval", Usage: "how often to check on the operation when Azure gives no Retry-After", Value: deploy.DefaultPollInterval, Category: "Waiting"},
	}
}

// formatFlagDeploy is --format for the deploy, deployments and chat commands.
func formatFlagDeploy() ucli.Flag {
	return &ucli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "output format: text or json", Value: "text",
		Validator: func(s string) error {
			if s != "text" && s != "json" {
				return fmt.Errorf("unknown format %q: use text or json", s)
			}
			return nil
		}}
}

func armConfig(cmd *ucli.Command) deploy.Config {
	return deploy.Config{
		Subscription:  cmd.String("subscription"),
		ResourceGroup: cmd.String("resource-group"),
		Account:       cmd.String("account"),
		Endpoint:      cmd.String("arm-endpoint"),
		Token:         cmd.String("arm-token"),
	}
}

// armWait reads the waiting flags; progress goes to stderr on a terminal only.
func (a *app) armWait(cmd *ucli.Command) deploy.WaitOptions {
	w := deploy.WaitOptions{NoWait: cmd.Bool("no-wait"), PollInterval: cmd.Duration("poll-interval")}
	if isTerminal(a.err) {
		// One status line, rewritten in place, ended when the state is terminal.
		w.Progress = func(p deploy.Progress) {
			fmt.Fprintf(a.err, "\r\033[K%s %s: %s (%s)", p.Op, p.Name, p.State, p.Elapsed.Round(time.Second))
			switch strings.ToLower(p.State) {
			case "succeeded", "failed", "canceled", "cancelled":
				fmt.Fprintln(a.err)
			}
		}
	}
	return w
}

// deployOptions are the deploy command's options.
type deployOptions struct {
	conn   deploy.Config
	create deploy.CreateOptions
	format string
}

func (a *app) deployCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "deployment name: what inference calls use as the model (2-64 letters, digits, _ . -)"},
		&ucli.StringFlag{Name: "sku", Usage: "deployment type: standard, globalstandard, developer or provisioned", Value: models.SkuStandard},
		&ucli.IntFlag{Name: "capacity", Usage: "SKU capacity (units of 1,000 tokens per minute for standard; PTUs for provisioned)", Value: 1},
		&ucli.StringFlag{Name: "source-account", Usage: "ARM resource `ID` of the account that trained the model (cross-region / cross-subscription deployment)", Category: "Cross-account"},
		&ucli.StringFlag{Name: "source-token", Usage: "bearer `TOKEN` of the source account's tenant (cross-tenant), sent as x-ms-authorization-auxiliary", Sources: ucli.EnvVars("AZURE_SOURCE_ACCESS_TOKEN"), Category: "Cross-account"},
		formatFlagDeploy(),
	}
	flags = append(flags, armFlags()...)
	flags = append(flags, armWaitFlags()...)
	return &ucli.Command{
		Name:      "deploy",
		Usage:     "deploy a fine-tuned model or checkpoint to an Azure OpenAI resource",
		ArgsUsage: "MODEL|CHECKPOINT --name DEPLOYMENT",
		Description: "Creates (or replaces) a deployment through Azure Resource Manager and waits until it is provisioned.\n" +
			"MODEL is the job's fine_tuned_model (BASE.ft-…) or a checkpoint (ftchkpt-…). Checked first, locally:\n" +
			"the name, the capacity, the model ID's shape and the SKU against ftprep's model catalogue (a warning only).\n\n" +
			"   export AZURE_SUBSCRIPTION_ID=... AZURE_RESOURCE_GROUP=rg-ft\n" +
			"   ftprep deploy gpt-4.1-mini-2025-04-14.ft-b044a9d3cf9c4228b5d393567f693b83 --account my-aoai --name ft-mini\n" +
			"   ftprep deploy ftchkpt-0a1b2c... --account my-aoai --name ft-step20 --sku developer --no-wait\n" +
			"   ftprep deploy MODEL --account aoai-west --name ft-mini --sku globalstandard \\\n" +
			"       --source-account /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/aoai-east\n\n" +
			"A deployed fine-tuned model is billed hosting hours while it exists, even when idle:\n" +
			"`ftprep deployments delete NAME` when done. Then try it with `ftprep chat NAME \"Hello\"`.",
		Flags: flags,
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			if cmd.Args().Len() != 1 {
				return usageErr("deploy takes one MODEL (the fine-tuned model BASE.ft-… or a checkpoint ftchkpt-…), got %d arguments", cmd.Args().Len())
			}
			o := deployOptions{conn: armConfig(cmd), format: cmd.String("format"), create: deploy.CreateOptions{
				Name:          cmd.String("name"),
				Model:         cmd.Args().First(),
				SKU:           strings.ToLower(cmd.String("sku")),
				Capacity:      cmd.Int("capacity"),
				SourceAccount: cmd.String("source-account"),
				SourceToken:   cmd.String("source-token"),
				WaitOptions:   a.armWait(cmd),
			}}
			return a.runDeploy(ctx, o)
		},
	}
}

func (a *app) runDeploy(ctx context.Context, o deployOptions) error {
	warnings, err := deploy.Check(o.create)
	if err != nil {
		return usageErr("%v", err)
	}
	for _, w := range warnings {
		fmt.Fprintf(a.err, "ftprep: warning: %s\n", w)
	}
	c, err := deploy.NewClient(o.conn)
	if err != nil {
		return usageErr("%v", err)
	}
	d, err := c.Create(ctx, o.create)
	var fe *deploy.FailedError
	if err != nil && ctx.Err() != nil {
		return failErr(fmt.Errorf("stopped waiting (%v); Azure carries on with the deployment: `ftprep deployments show %s`", ctx.Err(), o.create.Name))
	}
	if err != nil && !errors.As(err, &fe) {
		return armErr(err)
	}
	if fe != nil && d.Name == "" {
		d = deploy.Deployment{Name: o.create.Name, Model: o.create.Model, ProvisioningState: fe.State}
	}
	if o.format == "json" {
		if err := writeJSONDeploy(a.out, map[string]any{"deployment": d}); err != nil {
			return ioErr(err)
		}
	} else {
		printDeployment(a.out, d)
		switch {
		case fe != nil:
		case o.create.NoWait && d.ProvisioningState != "Succeeded":
			fmt.Fprintf(a.out, "\nNot waiting: `ftprep deployments show %s` reports when it is Succeeded.\n", d.Name)
		default:
			fmt.Fprintf(a.out, "\nUse the deployment name %q as the model in inference calls, e.g.\n  ftprep chat %s \"Hello\"\n", d.Name, d.Name)
		}
		if fe == nil {
			fmt.Fprintf(a.out, "A fine-tuned deployment is billed hosting hours while it exists, even when idle: `ftprep deployments delete %s` when done.\n", d.Name)
		}
	}
	if fe != nil {
		return failErr(fe)
	}
	return nil
}

// armErr maps a control-plane error to its exit code: no credential on this
// machine is an environment failure (2), anything the service said is 1.
func armErr(err error) error {
	var ae *deploy.AuthError
	if errors.As(err, &ae) {
		return ioErr(err)
	}
	return failErr(err)
}

func printDeployment(w io.Writer, d deploy.Deployment) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "deployment\t%s\n", d.Name)
	fmt.Fprintf(tw, "state\t%s\n", orDash(d.ProvisioningState))
	fmt.Fprintf(tw, "model\t%s\n", orDash(d.Model))
	sku := orDash(d.SKU)
	if d.Capacity > 0 {
		sku += fmt.Sprintf(", capacity %d", d.Capacity)
	}
	fmt.Fprintf(tw, "sku\t%s\n", sku)
	if d.Source != "" {
		fmt.Fprintf(tw, "source\t%s\n", d.Source)
	}
	if d.ID != "" {
		fmt.Fprintf(tw, "id\t%s\n", d.ID)
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSONDeploy(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// deploymentsOptions are the deployments subcommands' options.
type deploymentsOptions struct {
	conn   deploy.Config
	name   string
	wait   deploy.WaitOptions
	format string
}

func (a *app) deploymentsCommand() *ucli.Command {
	opts := func(cmd *ucli.Command) deploymentsOptions {
		return deploymentsOptions{conn: armConfig(cmd), name: cmd.Args().First(), format: cmd.String("format")}
	}
	one := func(cmd *ucli.Command, verb string) error {
		if cmd.Args().Len() != 1 {
			return usageErr("deployments %s takes one deployment NAME, got %d arguments", verb, cmd.Args().Len())
		}
		if err := deploy.CheckName(cmd.Args().First()); err != nil {
			return usageErr("%v", err)
		}
		return nil
	}
	withFormat := func(extra ...ucli.Flag) []ucli.Flag {
		return append(append([]ucli.Flag{formatFlagDeploy()}, extra...), armFlags()...)
	}
	return &ucli.Command{
		Name:  "deployments",
		Usage: "list, show or delete the deployments of an Azure OpenAI resource",
		Description: "   ftprep deployments list --account my-aoai\n" +
			"   ftprep deployments show ft-mini --account my-aoai --format json\n" +
			"   ftprep deployments delete ft-mini --account my-aoai      # the clean-up step: idle fine-tuned deployments bill hosting hours\n\n" +
			"--subscription and --resource-group default to AZURE_SUBSCRIPTION_ID and AZURE_RESOURCE_GROUP.",
		Commands: []*ucli.Command{
			{
				Name: "list", Usage: "list the account's deployments", Flags: withFormat(),
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					if cmd.Args().Len() != 0 {
						return usageErr("deployments list takes no arguments")
					}
					return a.runDeploymentsList(ctx, opts(cmd))
				},
			},
			{
				Name: "show", Usage: "show one deployment", ArgsUsage: "NAME", Flags: withFormat(),
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					if err := one(cmd, "show"); err != nil {
						return err
					}
					return a.runDeploymentsShow(ctx, opts(cmd))
				},
			},
			{
				Name: "delete", Usage: "delete a deployment (the model itself is kept)", ArgsUsage: "NAME", Flags: withFormat(armWaitFlags()...),
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					if err := one(cmd, "delete"); err != nil {
						return err
					}
					o := opts(cmd)
					o.wait = a.armWait(cmd)
					return a.runDeploymentsDelete(ctx, o)
				},
			},
		},
	}
}

func (a *app) runDeploymentsList(ctx context.Context, o deploymentsOptions) error {
	c, err := deploy.NewClient(o.conn)
	if err != nil {
		return usageErr("%v", err)
	}
	list, err := c.List(ctx)
	if err != nil {
		return armErr(err)
	}
	if o.format == "json" {
		if err := writeJSONDeploy(a.out, map[string]any{"deployments": list}); err != nil {
			return ioErr(err)
		}
		return nil
	}
	if len(list) == 0 {
		fmt.Fprintf(a.out, "no deployments in %s\n", o.conn.Account)
		return nil
	}
	tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tSKU\tCAPACITY\tMODEL")
	fineTuned := 0
	for _, d := range list {
		capacity := "-"
		if d.Capacity > 0 {
			capacity = fmt.Sprint(d.Capacity)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Name, orDash(d.ProvisioningState), orDash(d.SKU), capacity, orDash(d.Model))
		if strings.Contains(d.Model, ".ft-") || strings.HasPrefix(d.Model, "ftchkpt-") {
			fineTuned++
		}
	}
	tw.Flush()
	if fineTuned > 0 {
		fmt.Fprintf(a.out, "\n%d fine-tuned deployment(s): each is billed hosting hours while it exists, even when idle.\n", fineTuned)
	}
	return nil
}

func (a *app) runDeploymentsShow(ctx context.Context, o deploymentsOptions) error {
	c, err := deploy.NewClient(o.conn)
	if err != nil {
		return usageErr("%v", err)
	}
	d, err := c.Get(ctx, o.name)
	if err != nil {
		return armErr(err)
	}
	if o.format == "json" {
		if err := writeJSONDeploy(a.out, map[string]any{"deployment": d}); err != nil {
			return ioErr(err)
		}
		return nil
	}
	printDeployment(a.out, d)
	return nil
}

func (a *app) runDeploymentsDelete(ctx context.Context, o deploymentsOptions) error {
	c, err := deploy.NewClient(o.conn)
	if err != nil {
		return usageErr("%v", err)
	}
	done, err := c.Delete(ctx, o.name, o.wait)
	if err != nil {
		return armErr(err)
	}
	if o.format == "json" {
		state := "Deleting"
		if done {
			state = "Deleted"
		}
		if err := writeJSONDeploy(a.out, map[string]any{"deployment": map[string]string{"name": o.name, "state": state}}); err != nil {
			return ioErr(err)
		}
		return nil
	}
	if done {
		fmt.Fprintf(a.out, "Deleted deployment %s.\n", o.name)
	} else {
		fmt.Fprintf(a.out, "Deletion of deployment %s accepted; `ftprep deployments list` shows it until it is gone.\n", o.name)
	}
	fmt.Fprintln(a.out, "The fine-tuned model is kept and can be deployed again; only deployments bill hosting hours, idle or not.")
	return nil
}

// chatOptions are the chat command's options.
type chatOptions struct {
	chat   chat.Options
	format string
}

func (a *app) chatCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: "system", Aliases: []string{"s"}, Usage: "system message (replaces the example's own with -)"},
		&ucli.FloatFlag{Name: "temperature", Aliases: []string{"t"}, Usage: "sampling temperature, 0 to 2 (service default when unset)"},
		&ucli.IntFlag{Name: "max-tokens", Usage: "cap on the reply's tokens (max_completion_tokens)"},
		formatFlagDeploy(),
	}
	flags = append(flags, connFlags()...)
	return &ucli.Command{
		Name:      "chat",
		Usage:     "send one chat message to a deployment and print the reply",
		ArgsUsage: "DEPLOYMENT MESSAGE|-",
		Description: "The smoke test after `ftprep deploy`: one chat completion on the data plane (same connection flags as upload).\n" +
			"With - the messages come from stdin as JSON: a messages array, or a whole training example, so a line\n" +
			"of your dataset can be replayed (its final assistant message is left out and shown as the expected reply).\n\n" +
			"   ftprep chat ft-mini \"Where is my order 1234?\"\n" +
			"   ftprep chat ft-mini --system \"You are Contoso's support bot.\" --temperature 0 \"Hi\"\n" +
			"   sed -n 7p valid.jsonl | ftprep chat ft-mini -\n" +
			"   ftprep chat ft-mini --format json \"Hi\" | jq .usage",
		Flags: flags,
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			args := cmd.Args().Slice()
			if len(args) < 2 {
				return usageErr("chat takes a DEPLOYMENT and a MESSAGE (or - to read messages from stdin)")
			}
			o := chatOptions{format: cmd.String("format"), chat: chat.Options{
				Deployment: args[0],
				System:     cmd.String("system"),
				MaxTokens:  cmd.Int("max-tokens"),
			}}
			if cmd.IsSet("temperature") {
				t := cmd.Float("temperature")
				o.chat.Temperature = &t
			}
			if len(args) == 2 && args[1] == "-" {
				b, err := io.ReadAll(a.in)
				if err != nil {
					return ioErr(fmt.Errorf("reading messages from stdin: %w", err))
				}
				o.chat.Messages = b
			} else {
				o.chat.Message = strings.Join(args[1:], " ")
			}
			return a.runChat(ctx, connConfig(cmd), o)
		},
	}
}

func (a *app) runChat(ctx context.Context, conn azconn.Config, o chatOptions) error {
	if _, _, err := chat.Params(o.chat); err != nil {
		return usageErr("%v", err)
	}
	client, err := azconn.NewClient(conn)
	if err != nil {
		return usageErr("%v", err)
	}
	r, err := chat.Run(ctx, client, o.chat)
	if err != nil {
		return failErr(err)
	}
	if r.Expected != "" {
		fmt.Fprintf(a.err, "expected (the example's reply): %s\n", r.Expected)
	}
	if o.format == "json" {
		if _, err := fmt.Fprintf(a.out, "%s\n", strings.TrimSpace(string(r.Raw))); err != nil {
			return ioErr(err)
		}
		return nil
	}
	if _, err := fmt.Fprintln(a.out, r.Reply); err != nil {
		return ioErr(err)
	}
	if r.FinishReason != "" && r.FinishReason != "stop" {
		fmt.Fprintf(a.err, "ftprep: warning: the reply ended with finish_reason %q (length: raise --max-tokens; content_filter: Azure's content filter)\n", r.FinishReason)
	}
	if isTerminal(a.err) {
		fmt.Fprintf(a.err, "[%s, %d prompt + %d completion tokens]\n", r.Model, r.Usage.PromptTokens, r.Usage.CompletionTokens)
	}
	return nil
}
