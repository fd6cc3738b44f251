package tokens_test

import (
	"fmt"

	"github.com/ftprep/ftprep/pkg/tokens"
)

func ExampleEncoder_Count() {
	enc, err := tokens.Get("o200k_base")
	if err != nil {
		panic(err)
	}
	fmt.Println(enc.Count("Hello, world!"))
	fmt.Println(enc.Count("<|endoftext|>")) // special tokens count as text
	// Output:
	// 4
	// 7
}
