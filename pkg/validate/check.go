package validate

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ftprep/ftprep/pkg/jsonl"
	"github.com/ftprep/ftprep/pkg/report"
	"github.com/ftprep/ftprep/pkg/stats"
)

// Line formats (Line.Format).
const (
	FormatChat = "chat"
	FormatDPO  = "dpo"
	FormatRFT  = "rft"
)

// Limits the checks apply (../shared/research/rules.md).
const (
	MaxFileBytes       = 536870912 // F03: Files API limit
	MinExamples        = 10        // F11
	MaxTools           = 128       // T04
	MaxImageBytes      = 10 << 20  // V06: 10 MiB decoded
	MaxImagesOpenAI    = 10        // V08
	MaxImagesAzure     = 64        // V08 (Azure's limits table)
	WarnImagesAzure    = 10        // V08 (Azure's troubleshooting page)
	TrainingTokenQuota = 2_000_000_000
	lowDetailTokens    = 85
)

// forbiddenTokens are rejected by the service in any encoding (S19); the
// encoding's own special tokens are added to them.
var forbiddenTokens = []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}

var hashSeed = maphash.MakeSeed()

// testPanic, set by tests, runs at the start of the structure checks (to test recovery).
var testPanic func(raw []byte)

// lineOut is what a worker found on one physical line; the collector consumes it in order.
type lineOut struct {
	num           int
	offset        int64
	length        int
	blank         bool
	format        string
	findings      []report.Finding
	errors        int
	counted       bool
	ex            stats.Example
	imagesUnknown int
	hash          uint64
	hook          any
}

// lineCheck holds the state of checking one line.
type lineCheck struct {
	cfg   *config
	raw   []byte
	out   *lineOut
	parse parseFunc
	path  []string // pointer tokens during the generic walk

	// per example
	toolNames    []string
	hasToolDefs  bool
	callIDs      []string
	images       int
	firstImage   string
	firstImgCol  int
	visionReport bool
	tok          int
	assistant    int
	trainable    int
	unknownImgs  int
}

// parseFunc parses one line strictly (jsonl.Parse, or a worker's reusable parser).
type parseFunc func(line []byte) (*jsonl.Value, *jsonl.SyntaxError)

// checkLine runs every check on one non-blank line and fills out.
// It returns the line's parsed tree (nil when the line is not JSON), valid
// until the worker parses its next line.
func (c *config) checkLine(out *lineOut, raw []byte, parse parseFunc) *jsonl.Value {
	lc := &lineCheck{cfg: c, raw: raw, out: out, parse: parse}
	out.hash = maphash.Bytes(hashSeed, raw)
	v := lc.guard("syntax", func() *jsonl.Value { return lc.syntax() })
	if v == nil {
		return nil
	}
	lc.guard("structure", func() *jsonl.Value {
		if testPanic != nil {
			testPanic(raw)
		}
		lc.structure(v)
		return nil
	})
	return v
}

// guard runs one stage of the checks, turning a panic into an internal-error finding.
func (lc *lineCheck) guard(stage string, f func() *jsonl.Value) (v *jsonl.Value) {
	defer func() {
		if p := recover(); p != nil {
			if lc.cfg.debugPanics {
				debug.PrintStack()
			}
			lc.report("internal-error", 0, "", fmt.Sprintf("the %s checks failed on this line (%v); please report it", stage, p))
			v = nil
		}
	}()
	return f()
}

// report adds a finding with the rule's severity for the target.
func (lc *lineCheck) report(rule string, col int, ptr, msg string) {
	lc.reportSev(rule, -2, col, ptr, msg)
}

// reportSev is report with an explicit severity (-2 = the rule's own).
func (lc *lineCheck) reportSev(rule string, sev report.Severity, col int, ptr, msg string) {
	s, ok := lc.cfg.severity(rule)
	if !ok {
		return
	}
	if sev != -2 {
		s = sev
	}
	if s == report.Error {
		lc.out.errors++
	}
	lc.out.findings = append(lc.out.findings, report.Finding{Rule: rule, Severity: s, Line: lc.out.num, Column: col, Pointer: ptr, Message: msg})
}

// syntax parses the line strictly and checks keys and strings generically.
func (lc *lineCheck) syntax() *jsonl.Value {
	v, serr := lc.parse(lc.raw)
	if serr != nil {
		rule := "json-invalid"
		if serr.UTF8 {
			rule = "utf8-invalid"
		}
		off := max(0, min(serr.Offset, len(lc.raw)))
		lc.report(rule, off+1, "", serr.Msg)
		f := &lc.out.findings[len(lc.out.findings)-1]
		f.Excerpt, f.ExcerptCol = excerpt(lc.raw, off)
		return nil
	}
	lc.walk(v)
	return v
}

// excerpt returns up to 60 bytes of line around off, with control bytes and
// invalid UTF-8 replaced byte for byte, and the 1-based position of off in it.
func excerpt(line []byte, off int) (string, int) {
	lo, hi := max(0, off-30), min(len(line), off+30)
	for lo > 0 && lo < len(line) && line[lo]&0xC0 == 0x80 {
		lo--
	}
	for hi < len(line) && line[hi]&0xC0 == 0x80 {
		hi++
	}
	b := make([]byte, 0, hi-lo)
	for i := lo; i < hi; {
		r, n := utf8.DecodeRune(line[i:hi])
		if r == utf8.RuneError && n <= 1 {
			b = append(b, '?') // one byte for one byte, so columns stay right
			i++
			continue
		}
		b = append(b, line[i:i+n]...)
		i += n
	}
	for i, ch := range b {
		if ch < 0x20 || ch == 0x7f {
			b[i] = ' '
		}
	}
	return string(b), off - lo + 1
}

// walk reports duplicate keys and unpaired surrogates anywhere in v.
func (lc *lineCheck) walk(v *jsonl.Value) {
	switch v.Kind {
	case jsonl.String:
		if v.LoneSurrogate {
			lc.report("utf8-invalid", v.Offset+1, lc.pointer(), "the string holds an unpaired UTF-16 surrogate escape; it is not valid Unicode text")
		}
	case jsonl.Array:
		for i, e := range v.Elems {
			if e.Kind < jsonl.String {
				continue
			}
			lc.path = append(lc.path, strconv.Itoa(i))
			lc.walk(e)
			lc.path = lc.path[:len(lc.path)-1]
		}
	case jsonl.Object:
		ms := v.Members
		var keys map[string]struct{} // for big objects; small ones compare pairwise
		if len(ms) > 16 {
			keys = make(map[string]struct{}, len(ms))
		}
		for i := range ms {
			dup := false
			if keys != nil {
				_, dup = keys[ms[i].Key]
				keys[ms[i].Key] = struct{}{}
			} else {
				dup = dupBefore(ms, i)
			}
			if dup {
				lc.path = append(lc.path, jsonl.PointerToken(ms[i].Key))
				lc.report("duplicate-key", ms[i].KeyOffset+1, lc.pointer(), fmt.Sprintf("key %q appears more than once in this object; the service keeps only one", ms[i].Key))
				lc.path = lc.path[:len(lc.path)-1]
			}
			if ms[i].Value.Kind < jsonl.String {
				continue
			}
			lc.path = append(lc.path, jsonl.PointerToken(ms[i].Key))
			lc.walk(ms[i].Value)
			lc.path = lc.path[:len(lc.path)-1]
		}
	}
}

// dupBefore reports whether ms[i].Key occurred earlier in ms.
func dupBefore(ms []jsonl.Member, i int) bool {
	k := ms[i].Key
	for j := 0; j < i; j++ {
		if ms[j].Key == k {
			return true
		}
	}
	return false
}

func (lc *lineCheck) pointer() string {
	if len(lc.path) == 0 {
		return ""
	}
	return "/" + strings.Join(lc.path, "/")
}

// ptr joins a pointer prefix and tokens (already escaped where needed).
func ptr(base string, toks ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(t)
	}
	return b.String()
}

func idx(base string, i int) string { return base + "/" + strconv.Itoa(i) }

// structure detects the line's format and runs the format's checks.
func (lc *lineCheck) structure(v *jsonl.Value) {
	if v.Kind != jsonl.Object {
		msg := fmt.Sprintf("the line is a JSON %s; every line must be a JSON object", v.Kind)
		if v.Kind == jsonl.Array && len(v.Elems) > 0 && v.Elems[0].Kind == jsonl.Object {
			msg += " (a JSON array of examples is not JSONL: write each example on its own line)"
		}
		lc.report("not-object", v.Offset+1, "", msg)
		return
	}
	format := lc.cfg.format
	if format == "" { // auto
		switch {
		case v.Get("messages") != nil:
			format = FormatChat
		case v.Get("input") != nil || v.Get("preferred_output") != nil || v.Get("non_preferred_output") != nil:
			format = FormatDPO
		default:
			msg := "the example has neither \"messages\" (chat) nor \"input\"/\"preferred_output\" (DPO)"
			if v.Get("prompt") != nil || v.Get("completion") != nil {
				msg += "; prompt/completion is the legacy format, write chat messages instead"
			}
			lc.report("messages-missing", v.Offset+1, "", msg)
			return
		}
	}
	lc.out.format = format
	switch format {
	case FormatDPO:
		lc.dpo(v)
	default:
		lc.chat(v, format)
	}
	lc.finishExample(v)
}

var chatTopKeys = []string{"messages", "tools", "parallel_tool_calls", "functions"}

func oneOf(s string, list ...string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// chat checks a supervised (chat) or reinforcement example.
func (lc *lineCheck) chat(v *jsonl.Value, format string) {
	if format == FormatChat {
		for _, m := range v.Members {
			if !oneOf(m.Key, chatTopKeys...) {
				hint := ""
				if oneOf(m.Key, "input", "preferred_output", "non_preferred_output") {
					hint = " (DPO keys in a chat example: use --method dpo, or keep one format per file)"
				}
				lc.report("unknown-key", m.KeyOffset+1, "/"+jsonl.PointerToken(m.Key),
					fmt.Sprintf("top-level key %q is not allowed in a chat example (allowed: messages, tools, parallel_tool_calls, functions)%s", m.Key, hint))
			}
		}
	}
	lc.tools(v, "")
	msgs := v.Get("messages")
	if msgs == nil {
		lc.report("messages-missing", v.Offset+1, "", "the example has no \"messages\" key")
		return
	}
	sum, ok := lc.messages(msgs, "/messages", format)
	if !ok {
		return
	}
	last := msgs.Elems[len(msgs.Elems)-1]
	lastPtr := idx("/messages", len(msgs.Elems)-1)
	if format == FormatRFT {
		if sum.lastRole != "user" {
			lc.report("rft-last-not-user", last.Offset+1, lastPtr, fmt.Sprintf("the last message is %s; a reinforcement example must end with a user message", roleWord(sum.lastRole)))
		}
		if sum.user == 0 {
			lc.report("user-missing", msgs.Offset+1, "/messages", "the example has no user message")
		}
		return
	}
	if sum.assistant == 0 {
		lc.report("assistant-missing", msgs.Offset+1, "/messages", "the example has no assistant message; there is nothing to learn")
	} else {
		if sum.lastRole != "assistant" && sum.lastRole != "" {
			lc.report("last-not-assistant", last.Offset+1, lastPtr, fmt.Sprintf("the last message is %s; turns after the last assistant reply teach nothing", roleWord(sum.lastRole)))
		}
		if sum.trainable == 0 {
			lc.report("no-trainable-turn", msgs.Offset+1, "/messages", "every assistant message has weight 0; nothing would be learned")
		}
	}
	if sum.user == 0 {
		lc.report("user-missing", msgs.Offset+1, "/messages", "the example has no user message")
	}
}

func roleWord(r string) string {
	if r == "" {
		return "not a valid message"
	}
	return "from " + strconv.Quote(r)
}

// msgSummary describes a checked message list.
type msgSummary struct {
	user, assistant, trainable int
	lastRole                   string
}

// messages checks a message array at pointer base; ok is false when it is not a non-empty array.
func (lc *lineCheck) messages(msgs *jsonl.Value, base, format string) (sum msgSummary, ok bool) {
	if msgs.Kind != jsonl.Array {
		lc.report("messages-invalid", msgs.Offset+1, base, fmt.Sprintf("messages must be an array of message objects, not %s", msgs.Kind))
		return sum, false
	}
	if len(msgs.Elems) == 0 {
		lc.report("messages-invalid", msgs.Offset+1, base, "messages is empty")
		return sum, false
	}
	lc.tok += 3 // every reply is primed with <|start|>assistant<|message|>
	for i, m := range msgs.Elems {
		sum.lastRole = lc.message(m, idx(base, i), format, false, &sum)
	}
	return sum, true
}

var messageKeys = []string{"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}

// message checks one message and counts its tokens; it returns the role ("" when invalid).
// dpoOut marks a DPO output message (it must be from the assistant).
func (lc *lineCheck) message(m *jsonl.Value, p, format string, dpoOut bool, sum *msgSummary) string {
	if m.Kind != jsonl.Object {
		lc.report("messages-invalid", m.Offset+1, p, fmt.Sprintf("a message must be an object, not %s", m.Kind))
		return ""
	}
	for _, mem := range m.Members {
		if !oneOf(mem.Key, messageKeys...) {
			lc.report("unknown-key", mem.KeyOffset+1, ptr(p, jsonl.PointerToken(mem.Key)),
				fmt.Sprintf("message key %q is not allowed (allowed: role, content, name, weight, tool_calls, tool_call_id, function_call)", mem.Key))
		}
	}
	role := ""
	rv := m.Get("role")
	switch {
	case rv == nil:
		lc.report("role-missing", m.Offset+1, p, "the message has no \"role\"")
	case rv.Kind != jsonl.String:
		lc.report("role-invalid", rv.Offset+1, p+"/role", fmt.Sprintf("role must be a string, not %s", rv.Kind))
	case oneOf(rv.Str, "system", "user", "assistant", "tool", "function"), format == FormatRFT && rv.Str == "developer":
		role = rv.Str
	default:
		lc.report("role-invalid", rv.Offset+1, p+"/role", fmt.Sprintf("role %q is not one of system, user, assistant, tool, function", rv.Str))
	}
	if dpoOut && role != "" && role != "assistant" {
		lc.report("dpo-output-invalid", rv.Offset+1, p+"/role", fmt.Sprintf("a preference output must be an assistant message, not %q", role))
	}
	lc.tok += 3 + lc.cfg.count(role)

	isAsst := role == "assistant"
	text := 0 // content tokens of this message
	calls := m.Get("tool_calls")
	fcall := m.Get("function_call")
	hasCalls := (calls != nil && calls.Kind != jsonl.Null) || (fcall != nil && fcall.Kind != jsonl.Null)
	if rf := m.Get("refusal"); rf != nil && rf.Kind == jsonl.String {
		hasCalls = true // an assistant refusal stands in for content too
	}

	// content
	cv := m.Get("content")
	switch {
	case cv == nil || cv.Kind == jsonl.Null:
		if role != "" && !(isAsst && hasCalls) {
			what := "no \"content\""
			if cv != nil {
				what = "null content"
			}
			lc.report("content-missing", m.Offset+1, p, fmt.Sprintf("the %s message has %s", role, what))
		}
	case cv.Kind == jsonl.String:
		if strings.TrimSpace(cv.Str) == "" && !(isAsst && hasCalls) && role != "" {
			lc.report("content-empty", cv.Offset+1, p+"/content", fmt.Sprintf("the %s message's content is empty", role))
		}
		lc.special(cv.Str, cv.Offset+1, p+"/content")
		text += lc.cfg.count(cv.Str)
	case cv.Kind == jsonl.Array:
		text += lc.parts(cv, p+"/content", role)
	default:
		lc.report("content-invalid", cv.Offset+1, p+"/content", fmt.Sprintf("content must be a string or an array of content parts, not %s", cv.Kind))
	}

	// name
	if nv := m.Get("name"); nv != nil {
		if nv.Kind != jsonl.String {
			lc.report("messages-invalid", nv.Offset+1, p+"/name", fmt.Sprintf("name must be a string, not %s", nv.Kind))
		} else {
			lc.tok += lc.cfg.count(nv.Str) + 1
		}
	} else if role == "function" {
		lc.report("messages-invalid", m.Offset+1, p, "a function message needs a \"name\"")
	}

	// weight
	trainable := true
	if wv := m.Get("weight"); wv != nil {
		switch {
		case role != "" && !isAsst:
			lc.report("weight-not-assistant", wv.Offset+1, p+"/weight", fmt.Sprintf("weight is only allowed on assistant messages, not on %q", role))
		case wv.Kind != jsonl.Number || (wv.Num != "0" && wv.Num != "1"):
			lc.report("weight-invalid", wv.Offset+1, p+"/weight", fmt.Sprintf("weight must be the integer 0 or 1, not %s", literal(wv)))
		case wv.Num == "0":
			trainable = false
		}
	}

	// tool calls
	if calls != nil && calls.Kind != jsonl.Null {
		if !isAsst && role != "" {
			lc.report("tool-call-invalid", calls.Offset+1, p+"/tool_calls", fmt.Sprintf("tool_calls is only allowed on assistant messages, not on %q", role))
		} else {
			text += lc.toolCalls(calls, p+"/tool_calls")
		}
	}
	if fcall != nil {
		lc.report("functions-deprecated", fcall.Offset+1, p+"/function_call", "function_call is deprecated; use tool_calls")
		if fcall.Kind != jsonl.Null {
			if !isAsst && role != "" {
				lc.report("tool-call-invalid", fcall.Offset+1, p+"/function_call", fmt.Sprintf("function_call is only allowed on assistant messages, not on %q", role))
			} else {
				text += lc.function(fcall, p+"/function_call")
			}
		}
	}
	if role == "function" {
		lc.report("functions-deprecated", rv.Offset+1, p+"/role", "the function role is deprecated; use the tool role with tool_call_id")
	}

	// tool responses
	tid := m.Get("tool_call_id")
	switch {
	case role == "tool" && tid == nil:
		lc.report("tool-response-unmatched", m.Offset+1, p, "the tool message has no tool_call_id")
	case role == "tool" && tid.Kind != jsonl.String:
		lc.report("tool-response-unmatched", tid.Offset+1, p+"/tool_call_id", fmt.Sprintf("tool_call_id must be a string, not %s", tid.Kind))
	case role == "tool" && !oneOf(tid.Str, lc.callIDs...):
		lc.report("tool-response-unmatched", tid.Offset+1, p+"/tool_call_id", fmt.Sprintf("tool_call_id %q answers no earlier tool call in this example", tid.Str))
	case role != "tool" && role != "" && tid != nil:
		lc.report("unknown-key", m.Offset+1, p+"/tool_call_id", fmt.Sprintf("tool_call_id is only allowed on tool messages, not on %q", role))
	}

	// refusal
	if rf := m.Get("refusal"); rf != nil && rf.Kind != jsonl.Null {
		switch {
		case role != "" && !isAsst:
			lc.report("unknown-key", rf.Offset+1, p+"/refusal", fmt.Sprintf("refusal is only allowed on assistant messages, not on %q", role))
		case rf.Kind != jsonl.String:
			lc.report("messages-invalid", rf.Offset+1, p+"/refusal", fmt.Sprintf("refusal must be a string, not %s", rf.Kind))
		default:
			text += lc.cfg.count(rf.Str)
		}
	}

	lc.tok += text
	switch role {
	case "user":
		sum.user++
	case "assistant":
		sum.assistant++
		lc.assistant += text
		if trainable {
			sum.trainable++
			lc.trainable += text
		}
	}
	return role
}

// literal renders a small value for a message.
func literal(v *jsonl.Value) string {
	switch v.Kind {
	case jsonl.Number:
		return v.Num
	case jsonl.String:
		return strconv.Quote(v.Str)
	case jsonl.Bool:
		return strconv.FormatBool(v.Bool)
	default:
		return v.Kind.String()
	}
}

// parts checks an array of content parts and returns their text tokens (images included).
func (lc *lineCheck) parts(cv *jsonl.Value, p, role string) int {
	if len(cv.Elems) == 0 {
		lc.report("content-invalid", cv.Offset+1, p, "content is an empty array")
		return 0
	}
	if role == "function" {
		lc.report("content-invalid", cv.Offset+1, p, "function message content must be a string")
	}
	n := 0
	for i, part := range cv.Elems {
		pp := idx(p, i)
		if part.Kind != jsonl.Object {
			lc.report("content-invalid", part.Offset+1, pp, fmt.Sprintf("a content part must be an object, not %s", part.Kind))
			continue
		}
		tv := part.Get("type")
		if tv == nil || tv.Kind != jsonl.String {
			lc.report("content-invalid", part.Offset+1, pp, "the content part has no string \"type\"")
			continue
		}
		switch tv.Str {
		case "text":
			x := part.Get("text")
			if x == nil || x.Kind != jsonl.String {
				lc.report("content-invalid", part.Offset+1, pp, "a text part needs a string \"text\"")
				continue
			}
			if strings.TrimSpace(x.Str) == "" {
				lc.report("content-empty", x.Offset+1, pp+"/text", "the text part is empty")
			}
			lc.special(x.Str, x.Offset+1, pp+"/text")
			n += lc.cfg.count(x.Str)
		case "image_url":
			switch role {
			case "assistant":
				lc.report("image-in-assistant", part.Offset+1, pp, "assistant messages cannot contain images")
			case "user", "":
			default:
				lc.report("content-invalid", part.Offset+1, pp, fmt.Sprintf("images are allowed in user messages only, not in %q messages", role))
			}
			n += lc.image(part, pp)
		case "refusal":
			if role != "assistant" && role != "" {
				lc.report("content-invalid", tv.Offset+1, pp+"/type", fmt.Sprintf("refusal parts are allowed in assistant messages only, not in %q messages", role))
				continue
			}
			x := part.Get("refusal")
			if x == nil || x.Kind != jsonl.String {
				lc.report("content-invalid", part.Offset+1, pp, "a refusal part needs a string \"refusal\"")
				continue
			}
			n += lc.cfg.count(x.Str)
		case "input_audio", "audio", "file", "input_file":
			lc.report("content-invalid", tv.Offset+1, pp+"/type", fmt.Sprintf("%s parts are not supported for fine-tuning", tv.Str))
		default:
			lc.report("content-invalid", tv.Offset+1, pp+"/type", fmt.Sprintf("content part type %q is not allowed (text, and image_url in user messages)", tv.Str))
		}
	}
	return n
}

// special reports special-token text in s.
func (lc *lineCheck) special(s string, col int, p string) {
	if !strings.Contains(s, "<|") {
		return
	}
	for _, t := range lc.cfg.specials {
		if strings.Contains(s, t) {
			lc.report("special-token", col, p, fmt.Sprintf("the text contains the special token %s; the service rejects it (\"message contains an invalid token\")", t))
		}
	}
}

var (
	toolKeys     = []string{"type", "function"}
	functionKeys = []string{"name", "description", "parameters", "strict"}
)

// tools checks tools, functions and parallel_tool_calls of an object (the
// example, or a DPO input) at pointer base, records the declared names and
// counts the definitions' tokens.
func (lc *lineCheck) tools(v *jsonl.Value, base string) {
	if tv := v.Get("tools"); tv != nil && tv.Kind != jsonl.Null {
		p := base + "/tools"
		lc.hasToolDefs = true
		if tv.Kind != jsonl.Array {
			lc.report("tools-invalid", tv.Offset+1, p, fmt.Sprintf("tools must be an array, not %s", tv.Kind))
		} else {
			if len(tv.Elems) > MaxTools {
				lc.report("tools-invalid", tv.Offset+1, p, fmt.Sprintf("%d tools; at most %d are allowed", len(tv.Elems), MaxTools))
			}
			for i, t := range tv.Elems {
				tp := idx(p, i)
				if t.Kind != jsonl.Object {
					lc.report("tools-invalid", t.Offset+1, tp, fmt.Sprintf("a tool must be an object, not %s", t.Kind))
					continue
				}
				for _, m := range t.Members {
					if !oneOf(m.Key, toolKeys...) {
						lc.report("tools-invalid", m.KeyOffset+1, ptr(tp, jsonl.PointerToken(m.Key)), fmt.Sprintf("tool key %q is not allowed (type, function)", m.Key))
					}
				}
				if ty := t.Get("type"); ty == nil || ty.Kind != jsonl.String || ty.Str != "function" {
					lc.report("tools-invalid", t.Offset+1, tp, "a tool needs \"type\": \"function\"")
				}
				fn := t.Get("function")
				if fn == nil || fn.Kind != jsonl.Object {
					lc.report("tools-invalid", t.Offset+1, tp, "a tool needs a \"function\" object")
					continue
				}
				lc.definition(fn, tp+"/function")
			}
		}
	}
	if fv := v.Get("functions"); fv != nil {
		p := base + "/functions"
		lc.hasToolDefs = true
		lc.report("functions-deprecated", fv.Offset+1, p, "functions is deprecated; use tools")
		if fv.Kind != jsonl.Array {
			lc.report("tools-invalid", fv.Offset+1, p, fmt.Sprintf("functions must be an array, not %s", fv.Kind))
		} else {
			if len(fv.Elems) > MaxTools {
				lc.report("tools-invalid", fv.Offset+1, p, fmt.Sprintf("%d functions; at most %d are allowed", len(fv.Elems), MaxTools))
			}
			for i, fn := range fv.Elems {
				if fn.Kind != jsonl.Object {
					lc.report("tools-invalid", fn.Offset+1, idx(p, i), fmt.Sprintf("a function must be an object, not %s", fn.Kind))
					continue
				}
				lc.definition(fn, idx(p, i))
			}
		}
	}
	if pv := v.Get("parallel_tool_calls"); pv != nil && pv.Kind != jsonl.Bool {
		lc.report("tools-invalid", pv.Offset+1, base+"/parallel_tool_calls", fmt.Sprintf("parallel_tool_calls must be true or false, not %s", literal(pv)))
	}
}

// definition checks one function definition and counts its text.
func (lc *lineCheck) definition(fn *jsonl.Value, p string) {
	for _, m := range fn.Members {
		if !oneOf(m.Key, functionKeys...) {
			lc.report("tools-invalid", m.KeyOffset+1, ptr(p, jsonl.PointerToken(m.Key)), fmt.Sprintf("function key %q is not allowed (name, description, parameters, strict)", m.Key))
		}
	}
	nv := fn.Get("name")
	switch {
	case nv == nil:
		lc.report("tools-invalid", fn.Offset+1, p, "the function has no \"name\"")
	case nv.Kind != jsonl.String:
		lc.report("tools-invalid", nv.Offset+1, p+"/name", fmt.Sprintf("the function name must be a string, not %s", nv.Kind))
	default:
		if !validFuncName(nv.Str) {
			lc.report("tools-invalid", nv.Offset+1, p+"/name", fmt.Sprintf("function name %q must match ^[a-zA-Z0-9_-]{1,64}$", nv.Str))
		}
		lc.toolNames = append(lc.toolNames, nv.Str)
		lc.tok += lc.cfg.count(nv.Str)
	}
	if d := fn.Get("description"); d != nil {
		if d.Kind != jsonl.String {
			lc.report("tools-invalid", d.Offset+1, p+"/description", fmt.Sprintf("description must be a string, not %s", d.Kind))
		} else {
			lc.tok += lc.cfg.count(d.Str)
		}
	}
	if pv := fn.Get("parameters"); pv != nil {
		if pv.Kind != jsonl.Object {
			lc.report("tools-invalid", pv.Offset+1, p+"/parameters", fmt.Sprintf("parameters must be a JSON Schema object, not %s", pv.Kind))
		} else if lc.cfg.enc != nil {
			lc.tok += lc.cfg.count(compact(pv))
		}
	}
	if sv := fn.Get("strict"); sv != nil && sv.Kind != jsonl.Bool && sv.Kind != jsonl.Null {
		lc.report("tools-invalid", sv.Offset+1, p+"/strict", fmt.Sprintf("strict must be true or false, not %s", literal(sv)))
	}
}

func validFuncName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// toolCalls checks an assistant's tool_calls and returns their text tokens.
func (lc *lineCheck) toolCalls(cv *jsonl.Value, p string) int {
	if cv.Kind != jsonl.Array {
		lc.report("tool-call-invalid", cv.Offset+1, p, fmt.Sprintf("tool_calls must be an array, not %s", cv.Kind))
		return 0
	}
	if len(cv.Elems) == 0 {
		lc.report("tool-call-invalid", cv.Offset+1, p, "tool_calls is empty")
	}
	n := 0
	for i, c := range cv.Elems {
		cp := idx(p, i)
		if c.Kind != jsonl.Object {
			lc.report("tool-call-invalid", c.Offset+1, cp, fmt.Sprintf("a tool call must be an object, not %s", c.Kind))
			continue
		}
		id := c.Get("id")
		switch {
		case id == nil:
			lc.report("tool-call-invalid", c.Offset+1, cp, "the tool call has no \"id\"")
		case id.Kind != jsonl.String || id.Str == "":
			lc.report("tool-call-invalid", id.Offset+1, cp+"/id", "the tool call id must be a non-empty string")
		default:
			lc.callIDs = append(lc.callIDs, id.Str)
		}
		if ty := c.Get("type"); ty == nil || ty.Kind != jsonl.String || ty.Str != "function" {
			col := c.Offset + 1
			if ty != nil {
				col = ty.Offset + 1
			}
			lc.report("tool-call-invalid", col, cp+"/type", "a tool call needs \"type\": \"function\"")
		}
		fn := c.Get("function")
		if fn == nil || fn.Kind != jsonl.Object {
			lc.report("tool-call-invalid", c.Offset+1, cp, "the tool call needs a \"function\" object with name and arguments")
			continue
		}
		n += lc.function(fn, cp+"/function")
	}
	return n
}

// function checks a called function {name, arguments} and returns its text tokens.
func (lc *lineCheck) function(fn *jsonl.Value, p string) int {
	if fn.Kind != jsonl.Object {
		lc.report("tool-call-invalid", fn.Offset+1, p, fmt.Sprintf("function_call must be an object, not %s", fn.Kind))
		return 0
	}
	n := 0
	nv := fn.Get("name")
	if nv == nil || nv.Kind != jsonl.String || nv.Str == "" {
		col := fn.Offset + 1
		if nv != nil {
			col = nv.Offset + 1
		}
		lc.report("tool-call-invalid", col, p+"/name", "the call needs a non-empty string \"name\"")
	} else {
		n += lc.cfg.count(nv.Str)
		if !oneOf(nv.Str, lc.toolNames...) {
			what := "the example declares no tools"
			if lc.hasToolDefs {
				what = "it is not among the example's tools"
			}
			lc.report("tool-call-undefined", nv.Offset+1, p+"/name", fmt.Sprintf("the call names function %q, but %s", nv.Str, what))
		}
	}
	av := fn.Get("arguments")
	switch {
	case av == nil:
		lc.report("tool-call-invalid", fn.Offset+1, p, "the call has no \"arguments\"")
	case av.Kind != jsonl.String:
		lc.report("tool-call-invalid", av.Offset+1, p+"/arguments", fmt.Sprintf("arguments must be a string holding JSON, not %s", av.Kind))
		if lc.cfg.enc != nil && (av.Kind == jsonl.Object || av.Kind == jsonl.Array) {
			n += lc.cfg.count(compact(av))
		}
	default:
		lc.special(av.Str, av.Offset+1, p+"/arguments")
		n += lc.cfg.count(av.Str)
		if msg := argumentsProblem(av.Str); msg != "" {
			lc.report("tool-call-arguments-invalid", av.Offset+1, p+"/arguments", msg)
		}
	}
	return n
}

// argumentsProblem says what is wrong with a call's arguments string, or "".
func argumentsProblem(s string) string {
	t := strings.TrimSpace(s)
	if !json.Valid([]byte(t)) {
		return "arguments is not valid JSON"
	}
	if !strings.HasPrefix(t, "{") {
		if strings.HasPrefix(t, "\"") {
			return "arguments is a JSON string, not an object (double-encoded?)"
		}
		return "arguments is JSON but not an object"
	}
	return ""
}

// dpo checks a preference (DPO) example.
func (lc *lineCheck) dpo(v *jsonl.Value) {
	for _, m := range v.Members {
		if !oneOf(m.Key, "input", "preferred_output", "non_preferred_output") {
			lc.report("unknown-key", m.KeyOffset+1, "/"+jsonl.PointerToken(m.Key),
				fmt.Sprintf("top-level key %q is not allowed in a preference example (allowed: input, preferred_output, non_preferred_output)", m.Key))
		}
	}
	lc.tok += 3
	in := v.Get("input")
	switch {
	case in == nil:
		lc.report("dpo-input-invalid", v.Offset+1, "", "the preference example has no \"input\"")
	case in.Kind != jsonl.Object:
		lc.report("dpo-input-invalid", in.Offset+1, "/input", fmt.Sprintf("input must be an object with messages, not %s", in.Kind))
	default:
		for _, m := range in.Members {
			if !oneOf(m.Key, chatTopKeys...) {
				lc.report("unknown-key", m.KeyOffset+1, "/input/"+jsonl.PointerToken(m.Key),
					fmt.Sprintf("input key %q is not allowed (allowed: messages, tools, parallel_tool_calls, functions)", m.Key))
			}
		}
		lc.tools(in, "/input")
		msgs := in.Get("messages")
		switch {
		case msgs == nil:
			lc.report("dpo-input-invalid", in.Offset+1, "/input", "input has no \"messages\"")
		case msgs.Kind != jsonl.Array || len(msgs.Elems) == 0:
			lc.report("dpo-input-invalid", msgs.Offset+1, "/input/messages", "input.messages must be a non-empty array of messages")
		default:
			var sum msgSummary
			for i, m := range msgs.Elems {
				sum.lastRole = lc.message(m, idx("/input/messages", i), FormatDPO, false, &sum)
			}
			if sum.lastRole == "assistant" {
				last := len(msgs.Elems) - 1
				lc.report("dpo-input-ends-with-assistant", msgs.Elems[last].Offset+1, idx("/input/messages", last),
					"the input ends with an assistant message; it must end with the turn the outputs answer")
			}
			if sum.user == 0 {
				lc.report("user-missing", msgs.Offset+1, "/input/messages", "the input has no user message")
			}
		}
	}
	// The input's assistant turns are context, not what DPO trains.
	lc.assistant, lc.trainable = 0, 0
	pref := lc.dpoOutput(v, "preferred_output")
	non := lc.dpoOutput(v, "non_preferred_output")
	if pref != nil && non != nil && equalValues(pref, non) {
		lc.report("dpo-identical-pair", non.Offset+1, "/non_preferred_output", "the preferred and non-preferred outputs are identical; the pair teaches nothing")
	}
}

// dpoOutput checks one output list and returns its message (nil when malformed).
func (lc *lineCheck) dpoOutput(v *jsonl.Value, key string) *jsonl.Value {
	p := "/" + key
	ov := v.Get(key)
	switch {
	case ov == nil:
		lc.report("dpo-output-invalid", v.Offset+1, "", fmt.Sprintf("the preference example has no %q", key))
		return nil
	case ov.Kind != jsonl.Array:
		lc.report("dpo-output-invalid", ov.Offset+1, p, fmt.Sprintf("%s must be a list of one assistant message, not %s", key, ov.Kind))
		return nil
	case len(ov.Elems) != 1:
		lc.report("dpo-output-invalid", ov.Offset+1, p, fmt.Sprintf("%s must hold exactly one assistant message, not %d", key, len(ov.Elems)))
		if len(ov.Elems) == 0 {
			return nil
		}
	}
	var sum msgSummary
	for i, m := range ov.Elems {
		lc.message(m, idx(p, i), FormatDPO, true, &sum)
	}
	if len(ov.Elems) != 1 {
		return nil
	}
	return ov.Elems[0]
}

// equalValues compares two JSON values, ignoring positions and key order.
func equalValues(a, b *jsonl.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case jsonl.Null:
		return true
	case jsonl.Bool:
		return a.Bool == b.Bool
	case jsonl.Number:
		return a.Num == b.Num
	case jsonl.String:
		return a.Str == b.Str
	case jsonl.Array:
		if len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !equalValues(a.Elems[i], b.Elems[i]) {
				return false
			}
		}
		return true
	default:
		if len(a.Members) != len(b.Members) {
			return false
		}
		for _, m := range a.Members {
			o := b.Get(m.Key)
			if o == nil || !equalValues(m.Value, o) {
				return false
			}
		}
		return true
	}
}

// finishExample applies per-example limits (images, tokens) after the structure checks.
func (lc *lineCheck) finishExample(v *jsonl.Value) {
	c := lc.cfg
	if n := lc.images; n > 0 {
		switch {
		case c.target == TargetOpenAI && n > MaxImagesOpenAI:
			lc.reportSev("too-many-images", report.Error, v.Offset+1, "", fmt.Sprintf("%d images in one example; OpenAI allows at most %d", n, MaxImagesOpenAI))
		case c.target != TargetOpenAI && n > MaxImagesAzure:
			lc.reportSev("too-many-images", report.Error, v.Offset+1, "", fmt.Sprintf("%d images in one example; Azure allows at most %d", n, MaxImagesAzure))
		case c.target != TargetOpenAI && n > WarnImagesAzure:
			lc.reportSev("too-many-images", report.Warning, v.Offset+1, "", fmt.Sprintf("%d images in one example; Azure's limits table allows %d but its troubleshooting guide says at most %d", n, MaxImagesAzure, WarnImagesAzure))
		}
	}
	if c.enc == nil {
		return
	}
	lc.out.counted = true
	lc.out.ex = stats.Example{Tokens: lc.tok, Assistant: lc.assistant, Trainable: lc.trainable}
	lc.out.imagesUnknown = lc.unknownImgs
	if c.limit > 0 && lc.tok > c.limit {
		lc.report("tokens-over-limit", 0, "", fmt.Sprintf("the example has %d tokens, over the %d-token training-example limit of %s; the service truncates it", lc.tok, c.limit, c.modelName()))
	}
}

// compact writes v as compact JSON (keys in input order), the text that
// tool definitions and object arguments are counted as.
func compact(v *jsonl.Value) string {
	var b strings.Builder
	writeCompact(&b, v)
	return b.String()
}

func writeCompact(b *strings.Builder, v *jsonl.Value) {
	switch v.Kind {
	case jsonl.Null:
		b.WriteString("null")
	case jsonl.Bool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case jsonl.Number:
		b.WriteString(v.Num)
	case jsonl.String:
		enc, _ := json.Marshal(v.Str)
		b.Write(enc)
	case jsonl.Array:
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCompact(b, e)
		}
		b.WriteByte(']')
	case jsonl.Object:
		b.WriteByte('{')
		for i, m := range v.Members {
			if i > 0 {
				b.WriteByte(',')
			}
			enc, _ := json.Marshal(m.Key)
			b.Write(enc)
			b.WriteByte(':')
			writeCompact(b, m.Value)
		}
		b.WriteByte('}')
	}
}
