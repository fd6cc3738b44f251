package jobs

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ftprep/ftprep/pkg/azconn"
)

func i64(v int64) *int64 { return &v }

func TestCheck(t *testing.T) {
	base := func() Spec { return Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t"} }
	for _, tc := range []struct {
		name string
		kind azconn.Kind
		data Data
		edit func(*Spec)
		want string // "" = passes
	}{
		{"minimal", azconn.AzureDeployments, Data{}, func(*Spec) {}, ""},
		{"no model", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Model = "" }, "--model is required"},
		{"no training file", azconn.AzureDeployments, Data{}, func(s *Spec) { s.TrainingFile = "" }, "training file is required"},
		{"suffix 40 azure", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Suffix = strings.Repeat("a", 40) }, ""},
		{"suffix 41 azure", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Suffix = strings.Repeat("a", 41) }, "at most 40 on Azure OpenAI"},
		{"suffix 64 openai", azconn.OpenAI, Data{}, func(s *Spec) { s.Suffix = strings.Repeat("a", 64) }, ""},
		{"suffix 65 openai", azconn.OpenAI, Data{}, func(s *Spec) { s.Suffix = strings.Repeat("a", 65) }, "at most 64"},
		{"suffix dot", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Suffix = "v1.2" }, `found '.'`},
		{"suffix charset ok", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Suffix = "My-model_2" }, ""},
		{"seed max", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Seed = i64(2147483647) }, ""},
		{"seed zero", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Seed = i64(0) }, ""},
		{"seed over", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Seed = i64(2147483648) }, "--seed 2147483648"},
		{"seed negative", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Seed = i64(-1) }, "--seed -1"},
		{"epochs 50", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Epochs = 50 }, ""},
		{"epochs 51", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Epochs = 51 }, "--epochs 51"},
		{"epochs -1", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Epochs = -1 }, "--epochs -1"},
		{"batch 256", azconn.AzureDeployments, Data{}, func(s *Spec) { s.BatchSize = 256 }, ""},
		{"batch 257", azconn.AzureDeployments, Data{}, func(s *Spec) { s.BatchSize = 257 }, "--batch-size 257"},
		{"lr negative", azconn.AzureDeployments, Data{}, func(s *Spec) { s.LearningRate = -0.1 }, "want > 0"},
		{"beta dpo", azconn.AzureDeployments, Data{Format: "dpo"}, func(s *Spec) { s.Beta = 2 }, ""},
		{"beta too big", azconn.AzureDeployments, Data{Format: "dpo"}, func(s *Spec) { s.Beta = 2.5 }, "0 < beta <= 2"},
		{"beta not dpo", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Beta = 0.5 }, "DPO only"},
		{"method from data", azconn.AzureDeployments, Data{Format: "dpo"}, func(*Spec) {}, ""},
		{"method mismatch", azconn.AzureDeployments, Data{Format: "dpo"}, func(s *Spec) { s.Method = "supervised" }, "does not match the training data"},
		{"method unknown", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Method = "lora" }, `--method "lora"`},
		{"dpo unsupported", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Model = "gpt-4o-mini-2024-07-18"; s.Method = "dpo" }, "cannot be fine-tuned with dpo (it supports supervised)"},
		{"rft needs o4-mini", azconn.AzureDeployments, Data{}, func(s *Spec) {
			s.Method = "reinforcement"
			s.Grader = json.RawMessage(`{"type":"string_check"}`)
			s.ValidationFile = "file-v"
		}, "cannot be fine-tuned with reinforcement"},
		{"rft azure ok", azconn.AzureDeployments, Data{Format: "rft"}, func(s *Spec) {
			s.Model = "o4-mini-2025-04-16"
			s.Grader = json.RawMessage(`{"type":"string_check"}`)
			s.ValidationFile = "file-v"
		}, ""},
		{"rft azure no validation", azconn.AzureDeployments, Data{Format: "rft"}, func(s *Spec) {
			s.Model = "o4-mini-2025-04-16"
			s.Grader = json.RawMessage(`{"type":"string_check"}`)
		}, "needs a validation file"},
		{"rft openai no validation", azconn.OpenAI, Data{Format: "rft"}, func(s *Spec) {
			s.Model = "o4-mini-2025-04-16"
			s.Grader = json.RawMessage(`{"type":"string_check"}`)
		}, ""},
		{"rft no grader", azconn.OpenAI, Data{Format: "rft"}, func(s *Spec) { s.Model = "o4-mini" }, "needs a grader"},
		{"grader not object", azconn.OpenAI, Data{Format: "rft"}, func(s *Spec) { s.Model = "o4-mini"; s.Grader = json.RawMessage(`[1]`) }, "not a JSON object"},
		{"grader with sft", azconn.OpenAI, Data{}, func(s *Spec) { s.Grader = json.RawMessage(`{}`) }, "reinforcement fine-tuning only"},
		{"images on text model", azconn.AzureDeployments, Data{Format: "chat", Images: true}, func(*Spec) {}, "cannot be fine-tuned on images"},
		{"images on vision model", azconn.AzureDeployments, Data{Format: "chat", Images: true}, func(s *Spec) { s.Model = "gpt-4.1-2025-04-14" }, ""},
		{"continuous fine-tuning", azconn.AzureDeployments, Data{Format: "chat", Images: true}, func(s *Spec) { s.Model = "gpt-4o-2024-08-06.ft-0123456789abcdef" }, ""},
		{"continuous text-only base", azconn.AzureDeployments, Data{Images: true}, func(s *Spec) { s.Model = "gpt-4o-mini-2024-07-18.ft-abc" }, "gpt-4o-mini-2024-07-18 cannot be fine-tuned on images"},
		{"unknown model not checked", azconn.AzureDeployments, Data{Images: true}, func(s *Spec) { s.Model = "my-future-model"; s.Method = "dpo" }, ""},
		{"training type", azconn.AzureDeployments, Data{}, func(s *Spec) { s.TrainingType = "globalstandard" }, ""},
		{"training type bad", azconn.AzureDeployments, Data{}, func(s *Spec) { s.TrainingType = "global" }, `--training-type "global"`},
		{"training type openai", azconn.OpenAI, Data{}, func(s *Spec) { s.TrainingType = "standard" }, "Azure OpenAI option"},
		{"metadata 17", azconn.AzureDeployments, Data{}, func(s *Spec) {
			s.Metadata = map[string]string{}
			for i := 0; i < 17; i++ {
				s.Metadata[string(rune('a'+i))] = "x"
			}
		}, "17 pairs, at most 16"},
		{"metadata long value", azconn.AzureDeployments, Data{}, func(s *Spec) { s.Metadata = map[string]string{"k": strings.Repeat("v", 513)} }, "value of 513 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			err := Check(&s, tc.kind, tc.data)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a CheckError containing %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCheckListsEveryProblem(t *testing.T) {
	s := Spec{Model: "gpt-4.1-mini", TrainingFile: "f", Epochs: 99, BatchSize: 999, Suffix: "a.b"}
	err := Check(&s, azconn.AzureDeployments, Data{})
	var ce *CheckError
	if !errors.As(err, &ce) || len(ce.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
}

func TestParams(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind azconn.Kind
		spec Spec
		want string
	}{
		{"supervised", azconn.AzureDeployments, Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t", ValidationFile: "file-v", Suffix: "s1",
			Seed: i64(7), Epochs: 3, BatchSize: 8, LearningRate: 0.5, Method: "supervised", TrainingType: "globalstandard", Metadata: map[string]string{"team": "a"}},
			`{"model":"gpt-4.1-mini-2025-04-14","training_file":"file-t","seed":7,"suffix":"s1","validation_file":"file-v","metadata":{"team":"a"},` +
				`"method":{"type":"supervised","supervised":{"hyperparameters":{"batch_size":8,"learning_rate_multiplier":0.5,"n_epochs":3}}},"trainingType":"globalstandard"}`},
		{"defaults", azconn.OpenAI, Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t"},
			`{"model":"gpt-4.1-mini-2025-04-14","training_file":"file-t","method":{"type":"supervised"}}`},
		{"dpo", azconn.AzureDeployments, Spec{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: "file-t", Method: "dpo", Beta: 0.1, Epochs: 2},
			`{"model":"gpt-4.1-mini-2025-04-14","training_file":"file-t","method":{"type":"dpo","dpo":{"hyperparameters":{"beta":0.1,"n_epochs":2}}}}`},
		{"reinforcement", azconn.OpenAI, Spec{Model: "o4-mini-2025-04-16", TrainingFile: "file-t", Method: "reinforcement", Epochs: 1,
			Grader: json.RawMessage(`{"type":"string_check","name":"g","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}`)},
			`{"model":"o4-mini-2025-04-16","training_file":"file-t","method":{"type":"reinforcement","reinforcement":{"grader":{"input":"{{sample.output_text}}","name":"g","operation":"eq","reference":"{{item.answer}}","type":"string_check"},"hyperparameters":{"n_epochs":1}}}}`},
		{"training type dropped on openai", azconn.OpenAI, Spec{Model: "m", TrainingFile: "f", TrainingType: "standard"},
			`{"model":"m","training_file":"f","method":{"type":"supervised"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(Params(tc.spec, tc.kind))
			if err != nil {
				t.Fatal(err)
			}
			if got := canon(t, b); got != canon(t, []byte(tc.want)) {
				t.Errorf("body\n got %s\nwant %s", got, canon(t, []byte(tc.want)))
			}
		})
	}
}

// canon re-encodes JSON with sorted keys.
func canon(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     Data
	}{
		{"chat", `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}` + "\n", Data{Format: "chat"}},
		{"dpo", "\n" + `{"input":{"messages":[]},"preferred_output":[],"non_preferred_output":[]}`, Data{Format: "dpo"}},
		{"rft", `{"messages":[{"role":"user","content":"2+2"}],"answer":"4"}`, Data{Format: "rft"}},
		{"image later", `{"messages":[{"role":"assistant","content":"a"}]}` + "\n" +
			`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:"}}]},{"role":"assistant","content":"b"}]}`, Data{Format: "chat", Images: true}},
		{"garbage", "not json\n", Data{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := detect(strings.NewReader(tc.in))
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	m, err := ParseMetadata([]string{"a=1", "b=x=y", "c="})
	if err != nil || m["a"] != "1" || m["b"] != "x=y" || m["c"] != "" || len(m) != 3 {
		t.Errorf("got %v, %v", m, err)
	}
	for _, bad := range [][]string{{"novalue"}, {"=v"}, {"a=1", "a=2"}} {
		if _, err := ParseMetadata(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
