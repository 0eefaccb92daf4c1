#!/usr/bin/env bash
# The README's test command, and exactly what CI runs: install what is missing, lint, bring the lab
# up (real nginx, Prosody, coturn on 127.0.0.1), build, run every test, then run each fuzz target
# for a short while (Scripts/fuzz.sh; FUZZ_SECONDS, default 10 s each).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
# The recorded fixtures (../shared/fixtures, read-only): next to this clone, or next to the repository
# it was cloned from (a fresh clone in a temporary directory); $VIGIE_FIXTURES wins.
if [ -z "${VIGIE_FIXTURES:-}" ]; then
    origin=$(git remote get-url origin 2>/dev/null || true)
    for base in .. "${origin%/.}/.."; do
        if [ -f "$base/shared/fixtures/SOURCES.md" ]; then
            VIGIE_FIXTURES=$(cd "$base/shared/fixtures" && pwd)
            export VIGIE_FIXTURES
            break
        fi
    done
fi
# Style first: the repository's .swift-format, strictly (a warning fails the run).
swift format lint --strict --recursive Sources Tests Fuzz Plugins Package.swift
Lab/lab.sh up
trap 'Lab/lab.sh down' EXIT
# A target that imports another it does not list as a dependency fails the build (the layers hold).
swift build --build-tests --explicit-target-dependency-import-check error
swift test --disable-xctest
Scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
