#!/usr/bin/env bash
# Runs each cargo-fuzz target (fuzz/fuzz_targets) for FUZZ_SECONDS (default 60), side by side,
# seeded from the recorded Better Auth transcripts; fails if any target finds a crash (a panic,
# or a broken property: an accepted forged token, a 5xx for a client's request). Part of the
# README's test command; prints one line per target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked --quiet || {
    echo "error: could not install cargo-fuzz; install it with: cargo install cargo-fuzz" >&2
    exit 1
  }
fi

corpus=$PWD/target/fuzz-corpus
rm -rf "$corpus"
cargo run -q --locked -p auth-conformance --bin fuzz-seeds -- "$corpus/seeds"
# `--sanitizer none`: libFuzzer's coverage-guided search works on stable Rust; the address
# sanitizer would need nightly, and the code under test has no `unsafe`.
(cd fuzz && cargo fuzz build --sanitizer none --release --debug-assertions)

targets=(token_verify token_differential request)
for target in "${targets[@]}"; do
  mkdir -p "$corpus/$target" "$corpus/seeds/$target"
  (cd fuzz && cargo fuzz run --sanitizer none --release --debug-assertions "$target" \
      "$corpus/$target" "$corpus/seeds/$target" -- -max_total_time="$seconds" \
      >"$corpus/$target.log" 2>&1; echo $? >"$corpus/$target.status") &
done
wait

failed=0
for target in "${targets[@]}"; do
  status=$(cat "$corpus/$target.status")
  runs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$corpus/$target.log" | tail -n 1 || true)
  if [ "$status" = 0 ]; then
    echo "fuzz $target: ok (${runs:-no run count})"
  else
    failed=1
    echo "fuzz $target: FAILED (exit $status); the end of its log:"
    tail -n 40 "$corpus/$target.log"
    echo "(the crashing input is under fuzz/artifacts/$target/)"
  fi
done
exit "$failed"
