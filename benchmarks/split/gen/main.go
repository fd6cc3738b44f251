// Command gen writes a synthetic chat fine-tuning corpus of about -size bytes
// (deterministic for a -seed), with ~5 % exact duplicates and ~2 % reformatted
// duplicates, for benchmarks/split/run.sh.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
)

var words = strings.Fields(`the a of to and in is it you that he was for on are with as I his they be at one have this from or had by
word but what some we can out other were all there when up use your how said an each she which do their time if will way about many
then them write would like so these her long make thing see him two has look more day could go come did number sound no most people
my over know water than call first who may down side been now find any new work part take get place made live where after back little
only round man year came show every good me give our under name very through just form sentence great think say help low line differ
naïve café résumé 東京 данные مرحبا 🙂 "quoted" back\slash tab	here`)

func para(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

func main() {
	size := flag.Int64("size", 512<<20, "approximate output size in bytes")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	r := rand.New(rand.NewPCG(*seed, 2))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	type msg struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	var recent []string
	var n int64
	for n < *size {
		var line string
		switch x := r.IntN(100); {
		case x < 5 && len(recent) > 0:
			line = recent[r.IntN(len(recent))]
		case x < 7 && len(recent) > 0:
			line = strings.Replace(recent[r.IntN(len(recent))], `":"`, `": "`, -1)
		default:
			m := []msg{{"system", fmt.Sprintf("You are assistant #%d. %s", r.IntN(50), para(r, 10))}}
			for range 1 + r.IntN(3) {
				m = append(m, msg{"user", para(r, 10+r.IntN(80))}, msg{"assistant", para(r, 20+r.IntN(200))})
			}
			b, _ := json.Marshal(map[string]any{"messages": m})
			line = string(b)
		}
		if len(recent) < 1000 {
			recent = append(recent, line)
		} else {
			recent[r.IntN(len(recent))] = line
		}
		w.WriteString(line)
		w.WriteByte('\n')
		n += int64(len(line)) + 1
	}
}
