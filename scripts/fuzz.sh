#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang + ASan/UBSan) and runs each one for
# FUZZ_SECONDS (default 20) over a copy of its seed corpus in fuzz/corpus/<name>/ (with the
# dictionary fuzz/<name>.dict when there is one), so the repo is
# left untouched. Exits non-zero if any target finds a crash, leak or violated invariant; the
# reproducer is kept under build/fuzz/artifacts/ (re-run: build/fuzz/bin/fuzz_<name> <file>).
# Usage: bash scripts/fuzz.sh            FUZZ_SECONDS=300 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
targets=(client_protocol ws_codec ws_inflate jwt ingest subscription_index)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${targets[@]/#/fuzz_}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
artifacts="build/fuzz/artifacts"
mkdir -p "$artifacts"

failed=()
for t in "${targets[@]}"; do
  cp -r "fuzz/corpus/$t" "$work/$t"
  echo "fuzz: $t for ${seconds}s over $(ls "$work/$t" | wc -l) seeds"
  dict=(); [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  if ! "build/fuzz/bin/fuzz_$t" "$work/$t" "${dict[@]}" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$artifacts/$t-" 2>"$work/$t.log"; then
    tail -n 40 "$work/$t.log"
    failed+=("$t")
    continue
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/$t.log" || true
done

if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (reproducers in $artifacts/)"
  exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a crash"
