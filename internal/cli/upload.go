package cli

import ucli "github.com/urfave/cli/v3"

func (a *app) uploadCommand() *ucli.Command {
	return &ucli.Command{Name: "upload", Usage: "(not implemented yet)", Hidden: true}
}

func (a *app) importCommand() *ucli.Command {
	return &ucli.Command{Name: "import", Usage: "(not implemented yet)", Hidden: true}
}

func (a *app) filesCommand() *ucli.Command {
	return &ucli.Command{Name: "files", Usage: "(not implemented yet)", Hidden: true}
}
