// Package split turns a JSONL corpus into a training file and a validation
// file: validated in one pass, deduplicated on canonical JSON, grouped by a
// JSON pointer, assigned to sides by a keyed hash of the content and a seed
// (so the split is a pure function of content + seed), and written atomically
// by copying the input's byte ranges. Memory is O(lines), not O(bytes).
package split
