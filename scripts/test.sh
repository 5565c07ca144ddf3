#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, lints, docs, unit, integration and doc tests,
# then each fuzz target for a bounded time.
# This is README.md's test command, and exactly what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is not installed. $2" >&2; exit 1; }
}
need cargo "Install Rust with rustup: https://rustup.rs"
# The better-auth client tests (tests/better-auth-client) run the real npm client; npm ci
# fetches it from the npm registry on first use.
need node "Install Node.js 20.19 or newer: https://nodejs.org"
need npm "Install npm (it comes with Node.js)"

# The Next.js example's end-to-end test drives Debian's Chromium (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Chromium (apt-get install chromium) for the browser test"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
      echo "error: could not install Chromium; install it (Debian/Ubuntu: apt-get install chromium)." >&2
      exit 1
    }
  else
    echo "error: Chromium is not installed; install it (Debian/Ubuntu: sudo apt-get install chromium)." >&2
    exit 1
  fi
fi

# The PostgreSQL tests use DATABASE_URL when it is set, else start a throwaway cluster from the
# installed server binaries (the harness in tests/harness does it; nothing needs to be running).
if [ -z "${DATABASE_URL:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if ! command -v initdb >/dev/null 2>&1 && [ ! -x "${pg_bin:-/nonexistent}/initdb" ]; then
    echo "error: the PostgreSQL server binaries (initdb, postgres) are not installed." >&2
    echo "       Install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)," >&2
    echo "       or set DATABASE_URL to a PostgreSQL server the tests may create databases on." >&2
    exit 1
  fi
fi

# Every process this run starts inherits this marker, so that the end of the run can tell the
# processes it left behind (a server, a browser, a database) from the rest of the machine's.
export AUTH_TEST_RUN="$$-${RANDOM}${RANDOM}"

# The PIDs of running processes that carry this run's marker (read with shell builtins only, so
# that the scan starts no process of its own that would carry it).
marked_processes() {
  local dir var
  for dir in /proc/[0-9]*; do
    [ "${dir#/proc/}" = "$$" ] && continue
    while IFS= read -r -d '' var; do
      if [ "$var" = "AUTH_TEST_RUN=$AUTH_TEST_RUN" ]; then
        printf '%s\n' "${dir#/proc/}"
        break
      fi
    done 2>/dev/null <"$dir/environ" || true
  done
  return 0
}

# Two cores on CI: keep the build to them, and the test threads too.
jobs=${CARGO_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

echo "==> cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --all-features --locked -j "$jobs" -- -D warnings

echo "==> cargo doc (broken links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked -j "$jobs" --quiet

echo "==> cargo test"
log=$(mktemp)
trap 'rm -f "$log" "$log.package"' EXIT
set +e
cargo test --workspace --all-features --locked --no-fail-fast -j "$jobs" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Every publishable crate as crates.io would get it: `cargo package` builds each from its .crate
# file, against the others packaged the same way, so a file left out, a path dependency without a
# version or a feature that only the workspace turns on fails here, not at `cargo publish`.
echo "==> cargo package (the publishable crates)"
# Cargo takes a registry crate of a given name and version to be immutable: it reuses an earlier
# run's unpack of it under $CARGO_HOME/registry/src/-<hash of this folder>/ and the artifacts
# built from it, so a second run in the same folder (CI's) would verify auth-sqlx against the first
# run's auth-core. Remove our own crates' unpacks and artifacts first (nothing else is touched).
set +e
crates="auth-core auth-sqlx auth-axum auth-poem auth-salvo"
for crate in $crates; do
  rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/"$crate"-[0-9]*
done
# shellcheck disable=SC2086 # one -p per crate
cargo clean --quiet $(printf -- '-p %s ' $crates)
cargo package --locked --allow-dirty -j "$jobs" \
  -p auth-core -p auth-sqlx -p auth-axum -p auth-poem -p auth-salvo >"$log.package" 2>&1
package_status=$?
set -e
if [ "$package_status" = 0 ]; then
  echo "check package: ok ($(grep -c '^ *Packaged' "$log.package") crates)" | tee -a "$log"
else
  echo "check package: FAILED; the end of its output:" | tee -a "$log"
  tail -n 40 "$log.package"
fi
rm -f "$log.package"

echo "==> fuzzing (scripts/fuzz.sh, ${FUZZ_SECONDS:-60} s per target)"
set +e
./scripts/fuzz.sh | tee -a "$log"
after_tests_status=${PIPESTATUS[0]}
set -e

# Nothing the run started may outlive it. A database or server given a moment to shut down is
# fine; whatever is still there after 15 s was left behind: name it, stop it, fail the run.
echo "==> processes left behind"
if [ -d /proc/self ]; then
  for _ in $(seq 30); do
    [ -z "$(marked_processes)" ] && break
    sleep 0.5
  done
  left=$(marked_processes || true)
  if [ -z "$left" ]; then
    echo "check leftover-processes: ok (none)" | tee -a "$log"
  else
    echo "check leftover-processes: FAILED; still running:" | tee -a "$log"
    for pid in $left; do
      printf '  %s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
    done
    kill -TERM $left 2>/dev/null || true
    sleep 2
    kill -KILL $left 2>/dev/null || true
    after_tests_status=1
  fi
else
  echo "check leftover-processes: NOT RUN: this system has no /proc to look in (it needs Linux)"
fi

# One closing line for the whole run, summed over every test binary and the doc tests, with
# each fuzz target, the packaging and the leftover-process check counted as one test each.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
     /^(fuzz|check) [a-z_-]+: ok/ { p += 1 } /^(fuzz|check) [a-z_-]+: FAILED/ { f += 1 }
     END { printf "summary: %d passed, %d failed\n", p, f }' "$log"
if [ "$status" != 0 ]; then exit "$status"; fi
if [ "$package_status" != 0 ]; then exit "$package_status"; fi
exit "$after_tests_status"
