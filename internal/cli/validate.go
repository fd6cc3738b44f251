package cli

import ucli "github.com/urfave/cli/v3"

func (a *app) validateCommand() *ucli.Command {
	return &ucli.Command{Name: "validate", Usage: "(not implemented yet)", Hidden: true}
}

func (a *app) rulesCommand() *ucli.Command {
	return &ucli.Command{Name: "rules", Usage: "(not implemented yet)", Hidden: true}
}

func (a *app) statsCommand() *ucli.Command {
	return &ucli.Command{Name: "stats", Usage: "(not implemented yet)", Hidden: true}
}
