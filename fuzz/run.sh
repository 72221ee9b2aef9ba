#!/usr/bin/env bash
# Bounded fuzzing for CI: runs each fuzz target (or the ones named as arguments) for
# $FUZZ_SECONDS seconds (60 by default) and fails when one finds a crash, a timeout or a
# divergence. Without cargo-fuzz, and when it cannot be installed, it says so and passes:
# `cargo test --test fuzz_replay` still replays the corpora and regressions on stable.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-60}"
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=(decode purity execute_diff transpile statetest_json cli_inputs); fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is not installed; installing it"
  if ! cargo install cargo-fuzz --locked; then
    echo "fuzz: cargo-fuzz cannot be installed; skipping the bounded fuzzing"
    exit 0
  fi
fi

# Nightly builds with AddressSanitizer (cargo-fuzz's default); stable builds without a sanitizer.
if cargo +nightly --version >/dev/null 2>&1; then
  toolchain=+nightly
  sanitizer=address
else
  toolchain=+stable
  sanitizer=none
fi
echo "fuzz: cargo $toolchain fuzz, sanitizer $sanitizer, ${seconds}s per target"

if ! cargo "$toolchain" fuzz build -O -s "$sanitizer"; then
  if [ "$toolchain" = "+stable" ]; then
    echo "fuzz: the targets do not build with cargo-fuzz on this stable toolchain; skipping the bounded fuzzing"
    exit 0
  fi
  exit 1
fi

failed=()
for target in "${targets[@]}"; do
  # New inputs go to a scratch folder; the committed seed corpus is only read.
  scratch=$(mktemp -d)
  echo
  echo "== fuzz $target"
  if ! cargo "$toolchain" fuzz run -O -s "$sanitizer" "$target" "$scratch" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1; then
    failed+=("$target")
  fi
  rm -rf "$scratch"
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo
  echo "fuzz: crash in ${failed[*]}; the input is in fuzz/artifacts/<target>/."
  echo "fuzz: keep it as fuzz/regressions/<target>/<name> once understood, so that cargo test replays it."
  exit 1
fi
echo
echo "fuzz: no crash in ${targets[*]}"
