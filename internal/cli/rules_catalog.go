package cli

import "github.com/ftprep/ftprep/pkg/report"

// ruleCatalog describes every rule for `ftprep rules`, the SARIF printer and
// the per-target filter.
//
// TODO(lead): when pkg/validate's registry (validate.Rules()) lands, build this
// list from it instead; the IDs and levels below follow issue 2.
func ruleCatalog() []report.RuleInfo {
	const e, w, off = report.LevelError, report.LevelWarning, report.LevelOff
	r := func(id, azure, openai, hint string) report.RuleInfo {
		return report.RuleInfo{ID: id, Azure: azure, OpenAI: openai, Hint: hint}
	}
	return []report.RuleInfo{
		// File
		r("file-empty", e, e, "the file has no examples; write at least 10 JSON lines"),
		r("file-too-large", e, e, "files over 512 MiB are refused by the Files API; split the file or import it from Blob storage"),
		r("bom-missing", e, off, "Azure asks for UTF-8 with a byte-order mark; `ftprep fix` adds it"),
		r("utf8-invalid", e, e, "re-encode the file as UTF-8"),
		r("blank-line", w, w, "remove empty lines between examples (`ftprep fix` drops them)"),
		r("json-invalid", e, e, "each line must be one complete JSON value; fix the syntax at the caret"),
		r("not-object", e, e, "each line must be a JSON object ({...}), not an array, string or number"),
		r("duplicate-key", e, e, "remove the repeated key: the service keeps only one of them"),
		r("too-few-examples", e, e, "fine-tuning needs at least 10 examples"),
		r("mixed-formats", e, e, "keep one format per file (chat, preference or reinforcement)"),
		r("duplicate-example", w, w, "remove the exact duplicate; it over-weights one example"),
		// Chat
		r("messages-missing", e, e, "add a \"messages\" array"),
		r("messages-invalid", e, e, "\"messages\" must be a non-empty array of objects"),
		r("unknown-key", e, e, "remove keys the service does not accept (allowed: messages, tools, parallel_tool_calls, functions; role, content, name, weight, tool_calls, tool_call_id, function_call)"),
		r("role-missing", e, e, "give every message a \"role\""),
		r("role-invalid", e, e, "use one of system, user, assistant, tool, function"),
		r("content-missing", e, e, "add \"content\" (an assistant message may omit it only with tool_calls or function_call)"),
		r("content-invalid", e, e, "content must be a string or an array of text (and, for user, image_url) parts"),
		r("content-empty", w, w, "fill in or remove the empty message"),
		r("assistant-missing", e, e, "add at least one assistant message: it is what the model learns"),
		r("user-missing", w, w, "add a user message"),
		r("last-not-assistant", w, w, "end the example with the assistant's answer; later turns teach nothing"),
		r("weight-invalid", e, e, "weight must be the integer 0 or 1"),
		r("weight-not-assistant", e, e, "only assistant messages take a weight"),
		r("no-trainable-turn", w, w, "every assistant message has weight 0, so nothing is learned; set weight 1 on one"),
		r("special-token", e, e, "remove special tokens such as <|endoftext|>: the service rejects them"),
		r("tokens-over-limit", w, w, "shorten the example: the service truncates it to the model's limit"),
		r("training-tokens-quota", w, off, "Azure caps training tokens × epochs at 2,000,000,000 per job; use fewer epochs or less data"),
		// Tools
		r("tools-invalid", e, e, "tools: at most 128 {type: function, function: {name, ...}} with names matching ^[a-zA-Z0-9_-]{1,64}$"),
		r("tool-call-invalid", e, e, "a tool call needs id, type \"function\", function.name and function.arguments as a string"),
		r("tool-call-arguments-invalid", w, w, "function.arguments should be a JSON string the function can parse"),
		r("tool-call-undefined", w, w, "declare the called function in the line's \"tools\""),
		r("tool-response-unmatched", e, e, "a tool message's tool_call_id must answer an earlier tool call"),
		r("functions-deprecated", w, w, "\"functions\"/function_call are deprecated; use tools/tool_calls"),
		// Vision
		r("image-in-assistant", e, e, "images are only allowed in user messages"),
		r("image-url-invalid", e, e, "use an http(s) URL or a data:image/...;base64, URI"),
		r("image-base64-invalid", e, e, "fix the base64 data of the image"),
		r("image-format-unsupported", e, e, "use JPEG, PNG or WEBP images"),
		r("image-too-large", e, e, "images must be at most 10 MiB"),
		r("image-detail-invalid", e, e, "detail must be low, high or auto"),
		r("too-many-images", e, e, "too many images in one example (azure: error above 64, warning above 10; openai: error above 10)"),
		r("vision-model-unsupported", e, e, "this model cannot be fine-tuned on images; choose a vision model or drop the images"),
		// DPO and RFT
		r("dpo-input-invalid", e, e, "\"input\" must be an object with a non-empty \"messages\" array"),
		r("dpo-output-invalid", e, e, "preferred_output and non_preferred_output must each be a list of exactly one assistant message"),
		r("dpo-input-ends-with-assistant", e, e, "the input must end with a user turn, not the assistant's answer"),
		r("dpo-identical-pair", w, w, "preferred and non-preferred outputs are identical; the pair teaches nothing"),
		r("rft-last-not-user", e, e, "a reinforcement example must end with a user message"),
		// Engine
		r("internal-error", e, e, "a check failed on this line; please report it with the line"),
	}
}
