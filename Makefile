SHELL := /bin/bash
# ftprep — build, test, benchmark, fuzz.
GO        ?= go
BIN       ?= bin/ftprep
# Packages with concurrent code: run under the race detector in `make test`.
RACE_PKGS ?= ./pkg/validate/... ./pkg/jsonl/... ./pkg/tokens/... ./pkg/split/... ./pkg/fix/... ./pkg/atomicfile/... \
             ./pkg/upload/... ./pkg/azconn/... ./internal/fakeaoai/... ./pkg/jobs/... ./pkg/results/... ./pkg/deploy/... ./internal/fakearm/... ./pkg/chat/...
FUZZTIME  ?= 10s
NODE_DIR  ?= tools/node

.PHONY: build test vet node-tools bench fuzz lint demo clean

build:
	$(GO) build -o $(BIN) ./cmd/ftprep

# The main job on the sample dataset shipped in testdata/.
demo: build
	./$(BIN) validate testdata/sample/train.jsonl

# Node tools the service tests start (Prism, Azurite, tiktoken); skipped where npm is absent.
node-tools:
	@if command -v npm >/dev/null 2>&1; then \
	  if [ ! -f $(NODE_DIR)/node_modules/.package-lock.json ] || [ $(NODE_DIR)/package-lock.json -nt $(NODE_DIR)/node_modules/.package-lock.json ]; then \
	    npm ci --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error; \
	  fi; \
	else echo "npm not found: tests that need Prism, Azurite or tiktoken will be skipped"; fi

vet:
	$(GO) vet ./...

# The race detector on the concurrent packages, then every other package once.
test: node-tools vet
	$(GO) test -race -count=1 $(RACE_PKGS)
	$(GO) test -count=1 $$($(GO) list ./... | grep -v -F -x -f <($(GO) list $(RACE_PKGS)))
	$(GO) test -count=1 -run 'TestGolden|TestBPEPathsAgree' ./pkg/tokens  # every golden string (the race run samples them)

bench: build
	bash benchmarks/run.sh

fuzz:
	bash .ci/fuzz.sh $(FUZZTIME)

lint: vet
	@out=$$(gofmt -l cmd internal pkg benchmarks 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin
