package models

import "testing"

func TestLookup(t *testing.T) {
	cases := []struct {
		name     string
		want     string
		limit    int
		encoding string
		ok       bool
	}{
		{"gpt-4.1-nano-2025-04-14", "gpt-4.1-nano-2025-04-14", 32768, "o200k_base", true},
		{"gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", 32768, "o200k_base", true},
		{"gpt-4o-mini-2024-07-18.ft-0123abcd", "gpt-4o-mini-2024-07-18", 65536, "o200k_base", true},
		{"ft:gpt-4o-mini-2024-07-18:my-org::abc", "gpt-4o-mini-2024-07-18", 65536, "o200k_base", true},
		{"gpt-35-turbo-0613", "gpt-35-turbo-0613", 4096, "cl100k_base", true},
		{"gpt-35-turbo-1106", "gpt-35-turbo-1106", 16385, "cl100k_base", true},
		{"GPT-4.1", "gpt-4.1-2025-04-14", 65536, "o200k_base", true},
		{"llama-7b", "", 0, "", false},
	}
	for _, c := range cases {
		m, ok := Lookup(c.name)
		if ok != c.ok || m.Name != c.want || m.Limit != c.limit || m.Encoding != c.encoding {
			t.Errorf("Lookup(%q) = %q %d %q %v; want %q %d %q %v", c.name, m.Name, m.Limit, m.Encoding, ok, c.want, c.limit, c.encoding, c.ok)
		}
	}
	if m, ok := Resolve("unknown-model"); ok || m.Limit != DefaultLimit || m.Encoding != DefaultEncoding {
		t.Errorf("Resolve(unknown) = %+v %v", m, ok)
	}
}

func TestARMSku(t *testing.T) {
	for in, want := range map[string]string{"standard": "Standard", "globalstandard": "GlobalStandard", "developer": "DeveloperTier", "provisioned": "ProvisionedManaged"} {
		if got, ok := ARMSku(in); !ok || got != want {
			t.Errorf("ARMSku(%q) = %q", in, got)
		}
	}
	if _, ok := ARMSku("premium"); ok {
		t.Error("ARMSku(premium) ok")
	}
}
