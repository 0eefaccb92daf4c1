#!/usr/bin/env bash
# The README's test command, and exactly what CI runs: install what is missing, lint, bring the lab
# up (real nginx, Prosody, coturn on 127.0.0.1), build, run every test, then run each fuzz target
# for a short while (Scripts/fuzz.sh; FUZZ_SECONDS, default 10 s each).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
# Style first: the repository's .swift-format, strictly (a warning fails the run).
swift format lint --strict --recursive Sources Tests Fuzz Plugins Package.swift
Lab/lab.sh up
trap 'Lab/lab.sh down' EXIT
swift build --build-tests
swift test --disable-xctest
Scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
