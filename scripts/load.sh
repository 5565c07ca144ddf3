#!/usr/bin/env bash
# Load runs against the example server on PostgreSQL (loopback only, each run bounded in time).
# Prints a Markdown table for BENCHMARKS.md. LOAD_SECONDS sets each run's length (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null 2>&1 || { echo "error: wrk is not installed (Debian/Ubuntu: apt-get install wrk)" >&2; exit 1; }
cargo build --release -p auth-example-server
cargo build --release -p auth-benches --bin load
EXAMPLE_SERVER_BIN="$PWD/target/release/auth-example-server" ./target/release/load
