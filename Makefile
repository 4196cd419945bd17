# The two commands a new user needs: `make demo` and `make test`. Every target installs what
# it needs first (scripts/setup.sh, idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := build
# npm's binaryen wasm-opt first: Debian's older one writes modules that fail at start-up.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
PORT ?= 8080
export PORT

.PHONY: build demo test test-host test-browser test-node test-e2e setup bench profile size fuzz mutants clean

setup:
	@scripts/setup.sh

## The package (pkg/) and the demo assets: the full module, and the badge's (signed reports
## only, the crate without its `full` feature).
build: setup
	wasm-pack --quiet build --target web --release --mode no-install
	wasm-pack --quiet build --target web --release --mode no-install --out-dir target/badge-pkg --out-name evidence_badge -- --no-default-features
	node scripts/package.mjs

## Builds, then serves the demo on http://127.0.0.1:$(PORT)/.
demo: build
	node scripts/serve.mjs

## Every test level; fails on the first failing level.
test: build test-host test-browser test-node test-e2e

# No unwrap, expect or panic in the library (tests aside), for the host and the wasm build: bad
# input must reach JS as an error, never as a trap.
NO_PANIC := -D clippy::unwrap_used -D clippy::expect_used -D clippy::panic -D clippy::unimplemented -D clippy::todo
# The property tests draw the same cases on every run, so a change is judged on its own;
# `make fuzz` draws new ones.
PROPTEST_SEED ?= 20261123
test-host:
	PROPTEST_RNG_SEED=$(PROPTEST_SEED) cargo test --quiet
	cargo clippy --quiet --lib -- $(NO_PANIC)
	cargo clippy --quiet --lib --target wasm32-unknown-unknown -- $(NO_PANIC)

test-browser:
	cargo test --target wasm32-unknown-unknown --test browser

test-node:
	scripts/setup.sh browser minisign
	node --test tests/node/

test-e2e:
	@if ls tests/e2e/*.test.mjs >/dev/null 2>&1; then node --test --test-concurrency=1 tests/e2e/; fi

clean:
	rm -rf pkg target/site

## Times the pipelines and their peers (DuckDB-wasm, native DuckDB, a JS pipeline, a newline
## scan) on a 1,000,000-student roster and writes BENCHMARKS.md (not a test).
bench: build
	scripts/setup.sh browser bench
	node bench/run.mjs

## Where evaluateContract spends its time inside the wasm: a build that keeps the functions'
## names (target/profile-pkg), profiled by V8 on the benchmark's roster (not a test).
profile: setup
	wasm-pack --quiet build --target web --profiling --mode no-install --out-dir target/profile-pkg
	node bench/profile.mjs

## What each part of the two modules costs: builds that keep the functions' names
## (target/size-pkg, target/size-badge), their code summed by crate (not a test).
size: build
	wasm-pack --quiet build --target web --profiling --mode no-install --out-dir target/size-pkg
	wasm-pack --quiet build --target web --profiling --mode no-install --out-dir target/size-badge --out-name evidence_badge -- --no-default-features
	node bench/size.mjs

## Runs each fuzz target (libFuzzer, cargo fuzz) for FUZZ_SECONDS (default 60) from the seeds in
## fuzz/seeds; new inputs go to fuzz/corpus (not committed), crashes to fuzz/artifacts. Then the
## end-to-end targets' corpora are replayed through the wasm build from Node and compared with
## the native results, and the property tests (disclosure attacker included) run PROPTEST_RUNS
## times on fresh random cases.
PROPTEST_RUNS ?= 5
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := roster profile contract signature trust evaluate vet intake
fuzz: build
	@command -v cargo-fuzz >/dev/null || cargo install --quiet cargo-fuzz
	@set -o pipefail; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $$t corpus/$$t seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=4096) 2>&1 | tail -n 4 || exit 1; \
	done
	cargo build --quiet --release --manifest-path fuzz/Cargo.toml --bin decode
	@mkdir -p target/replay
	@for t in evaluate vet; do fuzz/target/release/decode $$t fuzz/seeds/$$t fuzz/corpus/$$t > target/replay/$$t.jsonl; done
	node scripts/replay-corpus.mjs target/replay/evaluate.jsonl target/replay/vet.jsonl
	@for i in $$(seq $(PROPTEST_RUNS)); do cargo test --quiet --test properties --test disclosure || exit 1; done

## Mutation testing (cargo-mutants) over the library with its host tests, summarised in
## MUTANTS.md. Hours on two cores: narrow it with MUTANTS_ARGS, e.g.
## make mutants MUTANTS_ARGS="-f src/stats.rs", and to the library's own tests with
## MUTANTS_ARGS="-f src/vetting.rs -C --lib" (-C passes an argument to every cargo call; what
## follows -- goes to the test binaries, not to cargo). Not part of make test. It mutates the working
## tree in place (reusing the test build; each file is put back after its mutant): do not edit
## the sources while it runs, or run it in a separate `git worktree`.
MUTANTS_ARGS ?=
mutants: setup
	@command -v cargo-mutants >/dev/null || cargo install --quiet --locked cargo-mutants
	cargo mutants --in-place --no-shuffle --profile mutants --timeout-multiplier 3 $(MUTANTS_ARGS) || true
	MUTANTS_SCOPE="$(MUTANTS_ARGS)" node scripts/mutants-summary.mjs mutants.out
