#!/usr/bin/env bash
# `vigie logs anonymize` throughput, side by side with the read limit (`cat file > /dev/null`) and a
# `sed -E` that only masks IPv4 addresses, on one core, over a generated realistic log:
#
#   Benchmarks/log-anonymizer.sh [SIZE_MB]      (default 1024)
#
# The log mixes nginx access lines (client address, room paths, Referer, colibri-ws with an ICE
# password, BOSH with room= and token=) and Jitsi Videobridge lines (conf_name, stats_id, ufrag,
# ICE candidates with public addresses, IPv6). Every command reads the same file from the page cache
# (a first `cat` warms it) and runs pinned to one core with taskset. One run, ratios printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MB=${1:-1024}
WORK=$(mktemp -d /tmp/vigie-logbench.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
LOG=$WORK/jitsi.log

swift build -c release --product vigie >&2
VIGIE=$(swift build -c release --show-bin-path)/vigie

echo "generating ${SIZE_MB} MB of log…" >&2
awk -v target=$((SIZE_MB * 1024 * 1024)) 'BEGIN {
    srand(42)
    # A busy instance: 20,000 client addresses, 500 rooms, 2,000 display names, 5,000 conferences
    # over the log. Lines come in bursts per participant (a page load is dozens of requests, an
    # ICE negotiation dozens of bridge lines), as in real logs: values repeat close together.
    split("Reunion Point-Hebdo Comite Formation Equipe-Ventes Board Daily Projet Client Support", words, " ")
    for (i = 1; i <= 20000; i++) ips[i] = int(rand()*223+1) "." int(rand()*255) "." int(rand()*255) "." int(rand()*254+1)
    for (i = 1; i <= 500; i++) rooms[i] = words[int(rand()*10)+1] "-" i
    for (i = 1; i <= 2000; i++) names[i] = words[int(rand()*10)+1] substr("abcdefghijklmnop", int(rand()*10)+1, 3) i
    for (i = 1; i <= 5000; i++) confs[i] = sprintf("%08x%08x", int(rand()*4294967295), int(rand()*4294967295))
    bytes = 0
    burst = 0
    while (bytes < target) {
        if (burst <= 0) {
            ip = ips[int(rand()*20000)+1]; room = rooms[int(rand()*500)+1]; name = names[int(rand()*2000)+1]
            conf = confs[int(rand()*5000)+1]; ep = substr(conf, 5, 8)
            burst = int(rand()*40) + 1
        }
        burst--
        r = rand()
        if (r < 0.30) {
            line = sprintf("%s - - [24/Nov/2026:10:%02d:%02d +0100] \"GET /%s HTTP/1.1\" 200 18525 \"https://meet.example.org/%s\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36\"", ip, int(rand()*60), int(rand()*60), room, room)
        } else if (r < 0.40) {
            line = sprintf("%s - - [24/Nov/2026:10:%02d:%02d +0100] \"GET /libs/app.bundle.min.js?v=8452 HTTP/1.1\" 200 1382298 \"https://meet.example.org/%s\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"", ip, int(rand()*60), int(rand()*60), room)
        } else if (r < 0.50) {
            line = sprintf("%s - - [24/Nov/2026:10:%02d:%02d +0100] \"GET /colibri-ws/jvb1/%s/%s?pwd=%s%s HTTP/1.1\" 101 1025 \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"", ip, int(rand()*60), int(rand()*60), conf, ep, conf, ep)
        } else if (r < 0.58) {
            line = sprintf("%s - - [24/Nov/2026:10:%02d:%02d +0100] \"POST /http-bind?room=%s&token=eyJhbGciOiJIUzI1NiJ9.%s.%s HTTP/1.1\" 200 318 \"-\" \"Jitsi Meet/4\"", ip, int(rand()*60), int(rand()*60), tolower(room), conf, ep)
        } else if (r < 0.78) {
            line = sprintf("JVB 2026-11-24 10:%02d:%02d.%03d INFO: [47] [confId=%s conf_name=%s@conference.meet.example.org meeting_id=%s epId=%s stats_id=%s] Endpoint.acceptSctpConnection#645: Attempting to establish SCTP socket connection", int(rand()*60), int(rand()*60), int(rand()*1000), conf, tolower(room), substr(conf,1,8), ep, name)
        } else if (r < 0.92) {
            line = sprintf("JVB 2026-11-24 10:%02d:%02d.%03d INFO: [109] [confId=%s local_ufrag=%s ufrag=%s] Agent.triggerCheck#1737: Add peer CandidatePair with new reflexive address to checkList:\n\tRemoteCandidate=candidate:10000 1 udp 1853759231 %s %d typ prflx", int(rand()*60), int(rand()*60), int(rand()*1000), conf, substr(conf,3,12), substr(conf,3,12), ip, int(rand()*60000)+1024)
        } else {
            line = sprintf("JVB 2026-11-24 10:%02d:%02d.%03d INFO: [22] HealthChecker.run#171: Performed a successful health check in PT0.000013S. Sticky failure: false, peer [2001:db8:%x::%x]:10000", int(rand()*60), int(rand()*60), int(rand()*1000), int(rand()*200), int(rand()*200))
        }
        print line
        bytes += length(line) + 1
    }
}' > "$LOG"
SIZE=$(stat -c %s "$LOG")
MB=$(awk -v s="$SIZE" 'BEGIN { printf "%.0f", s / 1048576 }')
cat "$LOG" > /dev/null   # into the page cache

seconds() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'; }
rate() { awk -v mb="$MB" -v t="$1" 'BEGIN { printf "%.0f", mb / t }'; }

T_CAT=$(seconds taskset -c 0 sh -c "cat '$LOG' > /dev/null")
T_SED=$(seconds taskset -c 0 sh -c "sed -E 's/[0-9]{1,3}(\\.[0-9]{1,3}){3}/x.x.x.x/g' '$LOG' > /dev/null")
T_VIGIE=$(seconds taskset -c 0 sh -c "'$VIGIE' logs anonymize '$LOG' > /dev/null")

echo "log: $MB MB, $(wc -l < "$LOG") lines; one core (taskset -c 0)"
printf '%-44s %8s s %8s MB/s\n' "cat file > /dev/null (read limit)" "$T_CAT" "$(rate "$T_CAT")"
printf '%-44s %8s s %8s MB/s\n' "sed -E (IPv4 masking only)" "$T_SED" "$(rate "$T_SED")"
printf '%-44s %8s s %8s MB/s\n' "vigie logs anonymize (everything)" "$T_VIGIE" "$(rate "$T_VIGIE")"
awk -v c="$T_CAT" -v s="$T_SED" -v v="$T_VIGIE" 'BEGIN {
    printf "vigie vs sed: %.1fx faster (goal: at least 10x)\n", s / v
    printf "vigie vs cat: %.3fx of the read limit (goal beyond: 0.1x)\n", c / v
}'
