package validate

import (
	"sort"

	"github.com/ftprep/ftprep/pkg/report"
)

// Off is the severity of a rule that is not reported for a target (for
// example bom-missing under --target openai). It sorts below report.Info.
const Off report.Severity = -1

// Targets.
const (
	TargetAzure  = "azure"
	TargetOpenAI = "openai"
)

// Rule is one registered check: a stable ID, its severity under each target,
// what it checks (Doc) and how to fix a finding (Hint). `ftprep rules` prints
// the registry; severities of findings come from it.
type Rule struct {
	ID             string
	Severity       report.Severity // under --target azure
	SeverityOpenAI report.Severity // under --target openai (Off = not reported)
	Doc            string          // what the rule checks, one line
	Hint           string          // how to fix a finding, one line
}

// SeverityFor returns the rule's severity under target ("azure" or "openai");
// ok is false when the rule is not reported for that target.
func (r Rule) SeverityFor(target string) (s report.Severity, ok bool) {
	s = r.Severity
	if target == TargetOpenAI {
		s = r.SeverityOpenAI
	}
	return s, s != Off
}

const (
	e = report.Error
	w = report.Warning
)

// registry holds every rule, grouped as issue 2 lists them. Constants and
// service messages come from ../shared/research/rules.md (ids F.., S.., T.., V.., D.., R..).
var registry = []Rule{
	// File and line level.
	{"file-empty", e, e, "the file has no examples (F01)", "add at least 10 examples, one JSON object per line"},
	{"file-too-large", e, e, "the file is over 536,870,912 bytes, the Files API limit (F03)", "split the data (ftprep split) or use the Uploads API / Azure Blob import"},
	{"bom-missing", e, Off, "Azure's guide requires UTF-8 with a byte-order mark (F06)", "save the file as UTF-8 with BOM (ftprep fix --bom)"},
	{"utf8-invalid", e, e, "the line is not valid UTF-8 or holds an unpaired surrogate escape (F05)", "re-encode the file as UTF-8"},
	{"blank-line", w, w, "an empty or whitespace-only line (F09)", "delete blank lines"},
	{"json-invalid", e, e, "the line is not strict JSON (RFC 8259) (F07)", "fix the JSON at the column shown; every line must be one complete JSON object"},
	{"not-object", e, e, "the line is JSON but not an object (F08)", "write one JSON object per line, not arrays or scalars"},
	{"duplicate-key", e, e, "an object repeats a key; the service keeps one of them silently", "remove the repeated key"},
	{"too-few-examples", e, e, "the file has fewer than 10 examples (F11)", "provide at least 10 examples (50+ recommended)"},
	{"mixed-formats", e, e, "a line's format (chat, DPO) differs from the first example's (F12)", "keep one format per file"},
	{"duplicate-example", w, w, "the line is an exact duplicate of an earlier line (Q01)", "remove the duplicate"},
	{"model-unknown", w, w, "--model names a model the catalogue does not know; defaults apply (o200k_base, 65,536 tokens)", "use a base model name such as gpt-4.1-mini-2025-04-14 (see ftprep rules)"},
	{"method-unsupported", e, e, "the model cannot be fine-tuned with the data's method (J09)", "choose a model that supports the method, or convert the data"},
	{"training-tokens-quota", w, Off, "training tokens × epochs exceed Azure's 2,000,000,000 per job (F13)", "use fewer examples or epochs"},
	{"internal-error", e, e, "a check failed on this line (a bug in ftprep); the line was not fully checked", "report the line to the ftprep maintainers"},

	// Chat (SFT) structure.
	{"messages-missing", e, e, "the example has no messages key (S01)", "add \"messages\": [...], or use --method dpo for preference data"},
	{"messages-invalid", e, e, "messages is not a non-empty array of objects, or a message field has the wrong type (S02)", "make messages a non-empty array of {\"role\", \"content\"} objects"},
	{"unknown-key", e, e, "a key the service does not allow (top level: messages, tools, parallel_tool_calls, functions; message: role, content, name, weight, tool_calls, tool_call_id, function_call, refusal) (S03, S06)", "remove the key; the service rejects \"contains an extra ...\""},
	{"role-missing", e, e, "a message has no role (S04)", "add \"role\": \"system\" | \"user\" | \"assistant\" | \"tool\""},
	{"role-invalid", e, e, "role is not system, user, assistant, tool or function (S05)", "use one of system, user, assistant, tool"},
	{"content-missing", e, e, "a message has no content (assistant may omit it with tool_calls or function_call) (S07)", "add \"content\""},
	{"content-invalid", e, e, "content is not a string or array of parts, or holds a part the role may not have (S08)", "use a string, or parts of type text (and image_url in user messages)"},
	{"content-empty", w, w, "content is empty or whitespace only (S09)", "write the message text, or remove the message"},
	{"assistant-missing", e, e, "the example has no assistant message (S10)", "add the assistant's reply the model should learn"},
	{"user-missing", w, w, "the example has no user message (S11)", "add a user message"},
	{"last-not-assistant", w, w, "the last message is not from the assistant; the turns after the last reply teach nothing (S13)", "end each example with an assistant message"},
	{"weight-invalid", e, e, "weight is not the integer 0 or 1 (S16)", "use \"weight\": 0 or \"weight\": 1"},
	{"weight-not-assistant", e, e, "weight is set on a message that is not from the assistant (S17)", "remove weight from non-assistant messages"},
	{"no-trainable-turn", w, w, "every assistant message has weight 0; nothing would be learned (S18)", "set weight 1 on at least one assistant message"},
	{"special-token", e, e, "text contains a special token of the encoding such as <|endoftext|>; the service rejects it (S19)", "remove or escape the special token text"},
	{"tokens-over-limit", w, w, "the example is longer than the model's training-example limit; the service truncates it (S20)", "shorten the example or split the conversation"},

	// Tools and functions.
	{"tools-invalid", e, e, "tools/functions are not well formed: {type: function, function: {name ^[a-zA-Z0-9_-]{1,64}$, ...}}, at most 128 (T01, T02, T04)", "fix the tool definition at the pointer"},
	{"tool-call-invalid", e, e, "a tool call lacks id, type function, function.name, or its arguments is not a string (T05)", "write tool calls as {\"id\", \"type\": \"function\", \"function\": {\"name\", \"arguments\": \"<JSON string>\"}}"},
	{"tool-call-arguments-invalid", w, w, "a tool call's arguments string is not a JSON object (T06)", "encode the arguments object once as a JSON string"},
	{"tool-call-undefined", w, w, "a call names a function the example's tools do not declare (T07)", "declare the function in tools, or fix the name"},
	{"tool-response-unmatched", e, e, "a tool message's tool_call_id answers no earlier tool call (T08)", "set tool_call_id to the id of the call it answers"},
	{"functions-deprecated", w, w, "functions, function_call and the function role are deprecated (T10)", "use tools, tool_calls and the tool role"},

	// Vision.
	{"image-in-assistant", e, e, "an assistant message contains an image (V03)", "put images in user messages only"},
	{"image-url-invalid", e, e, "an image URL is neither http(s) nor a data:image/...;base64, URI (V04)", "use an https URL or a base64 data URI"},
	{"image-base64-invalid", e, e, "a data URI's base64 payload does not decode", "re-encode the image as standard base64"},
	{"image-format-unsupported", e, e, "the image is not JPEG, PNG or WEBP, judged by its bytes (V05)", "convert the image to JPEG, PNG or WEBP"},
	{"image-too-large", e, e, "an image is over 10 MiB decoded (V06)", "downscale or recompress the image"},
	{"image-detail-invalid", e, e, "image_url.detail is not low, high or auto (V02)", "use detail low, high or auto"},
	{"too-many-images", e, e, "the example has too many images: azure errors over 64 and warns over 10; openai errors over 10 (V08)", "use at most 10 images per example"},
	{"vision-model-unsupported", e, e, "the example has images but --model cannot be fine-tuned on images (V01)", "use a vision model (gpt-4o-2024-08-06, gpt-4.1-2025-04-14) or drop the images"},

	// DPO (preference) and RFT.
	{"dpo-input-invalid", e, e, "input is not an object with a non-empty messages array (D01, D02)", "write \"input\": {\"messages\": [...]}"},
	{"dpo-output-invalid", e, e, "preferred_output / non_preferred_output is not a list of exactly one assistant message (D05, D06)", "write each output as [{\"role\": \"assistant\", \"content\": \"...\"}]"},
	{"dpo-input-ends-with-assistant", e, e, "the input conversation ends with an assistant message (D03)", "end input with the user turn the outputs answer"},
	{"dpo-identical-pair", w, w, "the preferred and non-preferred outputs are identical (D07)", "make the outputs differ, or drop the pair"},
	{"rft-last-not-user", e, e, "the last message of a reinforcement example is not from the user (R01)", "end each example with the user message the model answers"},
}

var ruleIndex = func() map[string]int {
	m := make(map[string]int, len(registry))
	for i, r := range registry {
		m[r.ID] = i
	}
	return m
}()

// Rules returns every rule, sorted by ID.
func Rules() []Rule {
	out := append([]Rule(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LookupRule returns the rule with id.
func LookupRule(id string) (Rule, bool) {
	i, ok := ruleIndex[id]
	if !ok {
		return Rule{}, false
	}
	return registry[i], true
}
