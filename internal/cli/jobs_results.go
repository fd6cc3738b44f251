package cli

import ucli "github.com/urfave/cli/v3"

func (a *app) jobsCommand() *ucli.Command {
	return &ucli.Command{Name: "jobs", Usage: "(not implemented yet)", Hidden: true}
}

func (a *app) resultsCommand() *ucli.Command {
	return &ucli.Command{Name: "results", Usage: "(not implemented yet)", Hidden: true}
}
