#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input with cargo-fuzz (libFuzzer) and prints what each run did.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#
# Targets (fuzz/fuzz_targets/): sse, gguf, wire_json, fts_query; all of them by default, each for
# 60 seconds unless given. The committed seeds in fuzz/corpus/<target> are read, never written;
# what the fuzzer finds grows in fuzz/corpus-grown/<target> (kept between runs, not tracked), and
# an input that crashes, hangs or runs out of memory is saved in fuzz/artifacts/<target>. Replay
# one with `cargo +nightly fuzz run -s none <target> <file>` in fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# Its own target folder: the fuzz build uses nightly and instrumentation, which share nothing with
# the main build.
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR-fuzz"

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [seconds-per-target] [target...]: '$seconds' is not a number of seconds" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))
all=(sse gguf wire_json fts_query)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for target in "${targets[@]}"; do
  if [ ! -f "fuzz/fuzz_targets/$target.rs" ]; then
    echo "no fuzz target '$target' (there are: ${all[*]})" >&2
    exit 2
  fi
done

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "cargo-fuzz needs a nightly Rust toolchain: install it with 'rustup toolchain install nightly', then run this again." >&2
  exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --version '^0.13' --locked
fi

# No sanitizer: the code fuzzed is safe Rust, where AddressSanitizer finds nothing that a panic
# would not, and without it every target runs about twice as many inputs. Debug assertions and
# overflow checks stay on (cargo-fuzz's default), so an overflow is a crash.
build=(-s none)
# Bounds every input must keep: 10 s each, 512 MB in all, 256 MB in one allocation.
limits=(-timeout=10 -rss_limit_mb=512 -malloc_limit_mb=256)

cd fuzz
echo "==> building the fuzz targets"
if [ ${#targets[@]} -eq 1 ]; then
  cargo +nightly fuzz build "${build[@]}" "${targets[0]}"
else
  cargo +nightly fuzz build "${build[@]}"
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
rows=()
failed=0
for target in "${targets[@]}"; do
  echo "==> fuzzing $target for ${seconds}s"
  mkdir -p "corpus-grown/$target" "artifacts/$target"
  before=$(find "artifacts/$target" -type f | wc -l)
  status=0
  # Large inputs matter to the model file reader; the others read small messages.
  max_len=4096
  [ "$target" = gguf ] && max_len=65536
  cargo +nightly fuzz run "${build[@]}" "$target" "corpus-grown/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len="$max_len" "${limits[@]}" -print_final_stats=1 \
    >"$logs/$target" 2>&1 || status=$?
  # libFuzzer's final statistics, and the corpus size from its last status line ("corp: N/…").
  runs=$(grep -o '^stat::number_of_executed_units: *[0-9]*' "$logs/$target" | grep -o '[0-9]*$' | tail -1)
  corpus=$(grep -o 'corp: [0-9]*' "$logs/$target" | grep -o '[0-9]*$' | tail -1)
  after=$(find "artifacts/$target" -type f | wc -l)
  found=$((after - before))
  if [ "$status" -ne 0 ]; then
    failed=1
    [ "$found" -eq 0 ] && found="? (exit $status)"
    echo "--- $target failed; the end of its log:"
    tail -40 "$logs/$target"
    find "artifacts/$target" -type f -newer "$logs" | sed 's/^/    input saved: fuzz\//'
  fi
  rows+=("$target|${runs:-?}|${corpus:-?}|$found")
done

echo
printf '%-12s %14s %12s %16s\n' target executions corpus crashes
for row in "${rows[@]}"; do
  IFS='|' read -r target runs corpus found <<<"$row"
  printf '%-12s %14s %12s %16s\n' "$target" "$runs" "$corpus" "$found"
done
exit "$failed"
