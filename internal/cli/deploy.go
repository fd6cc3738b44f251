package cli

import ucli "github.com/urfave/cli/v3"

func (a *app) deployCommand() *ucli.Command {
	return &ucli.Command{Name: "deploy", Usage: "(not implemented yet)", Hidden: true}
}

func (a *app) deploymentsCommand() *ucli.Command {
	return &ucli.Command{Name: "deployments", Usage: "(not implemented yet)", Hidden: true}
}

func (a *app) chatCommand() *ucli.Command {
	return &ucli.Command{Name: "chat", Usage: "(not implemented yet)", Hidden: true}
}
