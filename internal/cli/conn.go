package cli

import (
	"github.com/ftprep/ftprep/pkg/azconn"
	ucli "github.com/urfave/cli/v3"
)

// connFlags are the data-plane connection flags shared by upload, import, files,
// submit, jobs, results and chat.
func connFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "endpoint", Usage: "Azure OpenAI resource endpoint, e.g. https://RES.openai.azure.com", Sources: ucli.EnvVars("AZURE_OPENAI_ENDPOINT"), Category: "Connection"},
		&ucli.StringFlag{Name: "api-key", Usage: "Azure OpenAI API key; without one, Microsoft Entra ID (az login, managed identity, ...) is used", Sources: ucli.EnvVars("AZURE_OPENAI_API_KEY"), Category: "Connection"},
		&ucli.StringFlag{Name: "api-version", Usage: "Azure OpenAI API version; \"v1\" selects the /openai/v1 surface", Value: azconn.DefaultAPIVersion, Sources: ucli.EnvVars("OPENAI_API_VERSION"), Category: "Connection"},
		&ucli.StringFlag{Name: "base-url", Usage: "OpenAI platform base URL (used without an Azure endpoint, with OPENAI_API_KEY)", Sources: ucli.EnvVars("OPENAI_BASE_URL"), Category: "Connection"},
	}
}

// connConfig reads the connection flags (and the environment) into a Config.
func connConfig(cmd *ucli.Command) azconn.Config {
	return azconn.Config{
		Endpoint:   cmd.String("endpoint"),
		APIKey:     cmd.String("api-key"),
		APIVersion: cmd.String("api-version"),
		BaseURL:    cmd.String("base-url"),
	}.FromEnv()
}
