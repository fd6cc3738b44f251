// Command ftprep validates, splits and submits fine-tuning datasets for Azure OpenAI and OpenAI.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/ftprep/ftprep/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
