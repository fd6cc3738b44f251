package split

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Output describes one written dataset file (training or validation).
type Output struct {
	Path     string `json:"path"`     // where the file was written
	Examples int    `json:"examples"` // lines (examples) in the file
	Bytes    int64  `json:"bytes"`    // file size, BOM and line endings included
	SHA256   string `json:"sha256"`   // hex SHA-256 of the file's bytes
	Tokens   int64  `json:"tokens"`   // sum of the examples' token counts (0 when not counted)
}

// Manifest is what `ftprep split` prints as JSON and `ftprep submit -` reads:
// the two files written and how they were derived from the input.
type Manifest struct {
	Train             Output `json:"train"`
	Valid             Output `json:"valid"`
	Seed              int64  `json:"seed"`               // the --seed the split was made with
	InputExamples     int    `json:"input_examples"`     // non-blank input lines, valid or not
	DuplicatesRemoved int    `json:"duplicates_removed"` // exact duplicates dropped by --dedupe
	InvalidSkipped    int    `json:"invalid_skipped"`    // invalid lines set aside by --skip-invalid
	Target            string `json:"target"`             // "azure" or "openai"
	// SampledOut counts examples left out to honour --max-train-bytes/--max-train-examples.
	SampledOut int `json:"sampled_out,omitempty"`
	// Rejects is the --rejects file holding the invalid lines, when one was written.
	Rejects string `json:"rejects,omitempty"`
}

// ReadManifest decodes a manifest written by `ftprep split` (unknown fields are
// ignored so newer manifests stay readable) and checks that it names both files.
func ReadManifest(r io.Reader) (*Manifest, error) {
	var m Manifest
	d := json.NewDecoder(r)
	if err := d.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("split manifest: empty input (did ftprep split fail?)")
		}
		return nil, fmt.Errorf("split manifest: %w", err)
	}
	if m.Train.Path == "" || m.Valid.Path == "" {
		return nil, errors.New("split manifest: train.path and valid.path are required")
	}
	switch m.Target {
	case "", "azure", "openai":
	default:
		return nil, fmt.Errorf("split manifest: unknown target %q", m.Target)
	}
	return &m, nil
}
