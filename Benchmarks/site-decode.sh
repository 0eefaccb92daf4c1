#!/usr/bin/env bash
# Decoding a site file (`vigie validate`, the path `vigie serve` takes at start and on SIGHUP), side
# by side with PyYAML's C loader reading the same file into plain dictionaries (libyaml, what Vigie's
# YAML parser is built on, without any of Vigie's checks):
#
#   Benchmarks/site-decode.sh [CHECKS...]     (default: 1000 4000 10000 40000)
#
# Two shapes per size: every check in one service (the hard case: duplicate detection and naming run
# within a service) and the checks spread over 100 services. Each command runs three times, pinned
# to one core; the best run is kept. The ratio vigie/PyYAML should stay flat as the file grows: a
# growing ratio is work that is not linear in the file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 4000 10000 40000)
WORK=$(mktemp -d /tmp/vigie-sitebench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

swift build -c release --product vigie >&2
VIGIE=$(swift build -c release --show-bin-path)/vigie
python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null || { echo "site-decode: PyYAML with libyaml is needed (python3-yaml)" >&2; exit 2; }

generate() {  # generate CHECKS SERVICES FILE
    python3 - "$1" "$2" > "$3" <<'PY'
import sys
checks, services = int(sys.argv[1]), int(sys.argv[2])
print("site: {name: bench, domain: meet.example.org}\nservices:")
per = -(-checks // services)
for s in range(services):
    print(f"  svc{s}:\n    unit: svc{s}.service\n    checks:")
    for i in range(s * per, min(checks, (s + 1) * per)):
        kind = ("https", "tcp", "udp", "xmpp")[i % 4]
        port = 1024 + i % 60000
        host = f"h{i // 60000}.example.org"
        if kind == "https":
            print(f"      - https: https://{host}:{port}/path{i}\n        interval: 30s\n        warn_days: 21")
        elif kind == "xmpp":
            print(f"      - xmpp: {host}:{port}\n        domain: meet.example.org")
        else:
            print(f"      - {kind}: {host}:{port}\n        timeout: 2s")
PY
}

best() {  # best of three wall times, in seconds
    local best=""
    for _ in 1 2 3; do
        local start end took
        start=$(date +%s.%N)
        taskset -c 0 "$@" > /dev/null
        end=$(date +%s.%N)
        took=$(echo "$end - $start" | bc)
        if [ -z "$best" ] || [ "$(echo "$took < $best" | bc)" = 1 ]; then best=$took; fi
    done
    echo "$best"
}

printf '%-8s %-10s %10s %10s %8s\n' checks services vigie pyyaml ratio
for size in "${SIZES[@]}"; do
    for services in 1 100; do
        file=$WORK/site-$size-$services.yml
        generate "$size" "$services" "$file"
        v=$(best "$VIGIE" validate --site "$file")
        p=$(best python3 -c 'import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)' "$file")
        printf '%-8s %-10s %9.3fs %9.3fs %7.2fx\n' "$size" "$services" "$v" "$p" "$(echo "$v / $p" | bc -l)"
    done
done
