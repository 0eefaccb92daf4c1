#!/usr/bin/env bash
# The README's run command: install what is missing, bring the lab up, build Vigie, show one
# `vigie check` of the lab, then run the agent over it (`vigie serve`, the main job) until Ctrl-C.
# The lab keeps running afterwards; `Lab/lab.sh down` stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
Lab/lab.sh up
swift build --product vigie
lab=${VIGIE_LAB_DIR:-/tmp/vigie-lab}
listen=${VIGIE_LISTEN:-127.0.0.1:9470}

echo
echo "== vigie check --site $lab/vigie-lab.yml"
.build/debug/vigie check --site "$lab/vigie-lab.yml" || true
echo
echo "== vigie check --site $lab/vigie-lab-broken.yml   (every line is expected to FAIL)"
.build/debug/vigie check --site "$lab/vigie-lab-broken.yml" || true
echo
echo "== vigie serve --site $lab/vigie-lab.yml --listen $listen --data-dir $lab/data"
echo "   incidents:  .build/debug/vigie incident list --data-dir $lab/data"
echo "   metrics:    http://$listen/metrics"
echo "   status API: http://$listen/api/v1/status"
echo "   readiness:  http://$listen/-/ready      (Ctrl-C stops it; kill -HUP reloads the site file)"
exec .build/debug/vigie serve --site "$lab/vigie-lab.yml" --listen "$listen" --data-dir "$lab/data"
