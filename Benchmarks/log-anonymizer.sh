#!/usr/bin/env bash
# `vigie logs anonymize` throughput, side by side with the read limit (`cat file > /dev/null`) and a
# `sed -E` that only masks IPv4 addresses, on one core, over generated realistic logs of several
# cardinalities (how many distinct client addresses the log holds):
#
#   Benchmarks/log-anonymizer.sh [SIZE_MB] [CARDINALITY...]     (default: 300 MB; 20000 200000 all)
#
# "all" makes every burst of lines come from a new address and a new conference: the hard case, where
# nothing repeats and every value costs its keyed hash.
#
# sed runs twice: in the C locale (its fastest: bytes, no multibyte decoding) and in the machine's own
# locale (what an administrator's shell runs, C.UTF-8 on Debian 12); both ratios are printed.
#
# Bursts are 1–40 lines long at 20,000 addresses and 1–8 above, so that a 300 MB log holds about
# as many distinct addresses as asked (a burst is one participant's page load or ICE negotiation).
#
# Each log mixes nginx access lines (client address, room paths, Referer, colibri-ws with an ICE
# password, BOSH with room= and token=) and Jitsi Videobridge lines (conf_name, stats_id, ufrag,
# ICE candidates with public addresses, IPv6), in bursts per participant as real logs are. Every
# command reads the same file from the page cache (a first `cat` warms it) and runs pinned to one core
# with taskset. One run per cardinality; ratios printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MB=${1:-300}
shift || true
CARDINALITIES=("$@")
[ ${#CARDINALITIES[@]} -gt 0 ] || CARDINALITIES=(20000 200000 all)
WORK=$(mktemp -d /tmp/vigie-logbench.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

swift build -c release --product vigie >&2
VIGIE=$(swift build -c release --show-bin-path)/vigie

generate() {  # generate CARDINALITY FILE
    local distinct=$1 file=$2
    [ "$distinct" = all ] && distinct=0
    awk -v target=$((SIZE_MB * 1024 * 1024)) -v distinct="$distinct" 'BEGIN {
        srand(42)
        split("Reunion Point-Hebdo Comite Formation Equipe-Ventes Board Daily Projet Client Support", words, " ")
        if (distinct > 0) for (i = 1; i <= distinct; i++) ips[i] = int(rand()*223+1) "." int(rand()*255) "." int(rand()*255) "." int(rand()*254+1)
        for (i = 1; i <= 500; i++) rooms[i] = words[int(rand()*10)+1] "-" i
        for (i = 1; i <= 2000; i++) names[i] = words[int(rand()*10)+1] substr("abcdefghijklmnop", int(rand()*10)+1, 3) i
        for (i = 1; i <= 5000; i++) confs[i] = sprintf("%08x%08x", int(rand()*4294967295), int(rand()*4294967295))
        bytes = 0; burst = 0; fresh = 0
        while (bytes < target) {
            if (burst <= 0) {
                if (distinct > 0) {
                    ip = ips[int(rand()*distinct)+1]; conf = confs[int(rand()*5000)+1]
                } else {
                    # a new address and conference for every burst: nothing repeats
                    fresh++
                    ip = (1 + int(fresh / 16777216) % 223) "." int(fresh / 65536) % 256 "." int(fresh / 256) % 256 "." (1 + fresh % 254)
                    conf = sprintf("%08x%08x", fresh, int(rand()*4294967295))
                }
                room = rooms[int(rand()*500)+1]; name = names[int(rand()*2000)+1]; ep = substr(conf, 5, 8)
                burst = int(rand()*(distinct > 0 && distinct <= 20000 ? 40 : 8)) + 1
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
    }' > "$file"
}

seconds() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'; }

LOCALE=${LC_ALL:-${LANG:-POSIX}}
printf '%-12s %5s %9s %9s %12s %12s %11s %9s %9s %8s\n' "cardinality" "MB" "addresses" "cat MB/s" "sed C MB/s" "sed $LOCALE" "vigie MB/s" "vs sed C" "vs sed" "vs cat"
for cardinality in "${CARDINALITIES[@]}"; do
    LOG=$WORK/jitsi-$cardinality.log
    echo "generating ${SIZE_MB} MB with $cardinality distinct addresses…" >&2
    generate "$cardinality" "$LOG"
    MB=$(awk -v s="$(stat -c %s "$LOG")" 'BEGIN { printf "%.0f", s / 1048576 }')
    ADDRESSES=$(awk '{ print $1 }' "$LOG" | grep -E '^[0-9]+\.' | sort -u | wc -l)
    cat "$LOG" > /dev/null   # into the page cache
    T_CAT=$(seconds taskset -c 0 sh -c "cat '$LOG' > /dev/null")
    T_SEDC=$(seconds taskset -c 0 sh -c "LC_ALL=C sed -E 's/[0-9]{1,3}(\\.[0-9]{1,3}){3}/x.x.x.x/g' '$LOG' > /dev/null")
    T_SED=$(seconds taskset -c 0 sh -c "sed -E 's/[0-9]{1,3}(\\.[0-9]{1,3}){3}/x.x.x.x/g' '$LOG' > /dev/null")
    T_VIGIE=$(seconds taskset -c 0 sh -c "'$VIGIE' logs anonymize --domain meet.example.org '$LOG' > /dev/null")
    awk -v c="$cardinality" -v mb="$MB" -v a="$ADDRESSES" -v tc="$T_CAT" -v tsc="$T_SEDC" -v ts="$T_SED" -v tv="$T_VIGIE" 'BEGIN {
        printf "%-12s %5d %9d %9.0f %12.0f %12.0f %11.0f %8.1fx %8.1fx %7.3fx\n", c, mb, a, mb / tc, mb / tsc, mb / ts, mb / tv, tsc / tv, ts / tv, tc / tv
    }'
    rm -f "$LOG"
done
echo "goals: at least 10x sed at every cardinality; beyond it, 0.1x cat" >&2
