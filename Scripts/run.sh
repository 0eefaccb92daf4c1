#!/usr/bin/env bash
# The README's run command: install what is missing, bring the lab up, build Vigie, and run
# `vigie check` against the lab: first the healthy site (every check passes), then the broken
# one (every check fails, each for its own reason). The lab keeps running; `Lab/lab.sh down` stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
Lab/lab.sh up
swift build --product vigie
lab=${VIGIE_LAB_DIR:-/tmp/vigie-lab}

echo
echo "== vigie check --site $lab/vigie-lab.yml"
.build/debug/vigie check --site "$lab/vigie-lab.yml"
echo
echo "== vigie check --site $lab/vigie-lab-broken.yml   (every line is expected to FAIL)"
.build/debug/vigie check --site "$lab/vigie-lab-broken.yml" || status=$?
if [ "${status:-0}" -ne 1 ]; then
    echo "unexpected exit status ${status:-0} for the broken lab (expected 1)" >&2
    exit 1
fi
