#!/usr/bin/env bash
# Runs the libFuzzer target of each parser that faces untrusted input for a while:
#
#   Scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 60 seconds each, every target)
#
# Targets (Fuzz/<Target>/, sharing Fuzz/FuzzDriver): FuzzSTUN, FuzzXMPP, FuzzPrometheusText, FuzzJitsiJSON, FuzzWebhook, FuzzURL,
# FuzzSiteFile, FuzzLogAnonymizer. Each asserts its invariants inside (a line count kept, no address left,
# a URL that round-trips…) and starts from the seeds in Fuzz/Corpus/<Target> plus, where they fit, the
# recorded payloads of ../shared/fixtures. A crash or a failed invariant leaves its input under
# .build-fuzz/findings/<Target>/ and exits 1. Builds with its own scratch path (.build-fuzz), the
# library instrumented for coverage and AddressSanitizer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(FuzzSTUN FuzzXMPP FuzzPrometheusText FuzzJitsiJSON FuzzWebhook FuzzURL FuzzSiteFile FuzzLogAnonymizer)
SCRATCH=.build-fuzz
FIXTURES=${VIGIE_FIXTURES:-../shared/fixtures}

# libFuzzer without its `main`, from the toolchain that builds (its clang runtime directory).
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")
runtime=$(find "$toolchain/lib" -name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -n 1)
[ -n "$runtime" ] || { echo "fuzz: no libclang_rt.fuzzer_no_main in $toolchain/lib" >&2; exit 2; }
export VIGIE_FUZZ=$runtime
# A failed invariant is reported by libFuzzer; Swift's own backtracer would only add noise under ASan.
export SWIFT_BACKTRACE=enable=no

for target in "${TARGETS[@]}"; do
    swift build --scratch-path "$SCRATCH" --product "$target" >&2
done
BIN=$(swift build --scratch-path "$SCRATCH" --show-bin-path)

fixtures_for() {  # the recorded payloads that are inputs of a target
    [ -d "$FIXTURES" ] || return 0
    case "$1" in
        FuzzPrometheusText) ls "$FIXTURES"/*openmetrics*.txt 2>/dev/null ;;
        FuzzJitsiJSON) ls "$FIXTURES"/*.json 2>/dev/null ;;
        FuzzLogAnonymizer) ls "$FIXTURES"/*.log 2>/dev/null ;;
        *) ;;
    esac
}

failed=0
for target in "${TARGETS[@]}"; do
    work=$SCRATCH/corpus/$target
    findings=$SCRATCH/findings/$target
    mkdir -p "$work" "$findings"
    # libFuzzer writes what it finds into the first corpus directory: a scratch one, never the seeds.
    extra=$(mktemp -d)
    for fixture in $(fixtures_for "$target"); do head -c 65536 "$fixture" > "$extra/$(basename "$fixture")"; done
    echo "fuzz: $target for ${SECONDS_EACH}s" >&2
    if ! "$BIN/$target" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$findings/" -print_final_stats=1 "$work" "Fuzz/Corpus/$target" "$extra" 2> "$findings/log.txt"; then
        echo "fuzz: $target FAILED — input and log under $findings" >&2
        tail -n 30 "$findings/log.txt" >&2
        failed=1
    else
        grep -E "stat::number_of_executed_units|cov:" "$findings/log.txt" | tail -n 2 | sed "s|^|fuzz: $target: |" >&2 || true
    fi
    rm -rf "$extra"
done
exit $failed
