package cli

import ucli "github.com/urfave/cli/v3"

func (a *app) fixCommand() *ucli.Command {
	return &ucli.Command{Name: "fix", Usage: "(not implemented yet)", Hidden: true}
}
