package validate_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/ftprep/ftprep/pkg/validate"
)

func ExampleValidate() {
	data := `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 2}]}
{"messages": [{"role": "user", "content": "Bye"}]}
`
	res, err := validate.Validate(context.Background(), strings.NewReader(data), "train.jsonl",
		validate.Options{Target: "openai", NoTokens: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("ok:", res.OK, "examples:", res.Examples)
	for _, f := range res.Findings {
		fmt.Printf("%s:%d:%d: %s %s: %s\n", res.Path, f.Line, f.Column, f.Severity, f.Rule, f.Message)
	}
	// Output:
	// ok: false examples: 2
	// train.jsonl:0:0: error too-few-examples: 2 examples; fine-tuning needs at least 10
	// train.jsonl:1:102: error weight-invalid: weight must be the integer 0 or 1, not 2
	// train.jsonl:2:14: error assistant-missing: the example has no assistant message; there is nothing to learn
}
