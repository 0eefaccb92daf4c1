#!/usr/bin/env bash
# Vigie side by side with Debian's prometheus-blackbox-exporter, over the same targets on loopback:
# a local nginx with N http targets (one per path) and N tcp targets (one per listening port), for
# N = 10, 100, 1000 (or the Ns given as arguments). One command, one run, ratios printed:
#
#   Benchmarks/probe-throughput.sh [N...]
#   VIGIE_BINARY=path/to/vigie Benchmarks/probe-throughput.sh 100     (a given binary, e.g. the packaged one)
#
# How each is driven, as it is driven in production:
#   blackbox  probes on request: wrk sends /probe requests round-robin over the 2N targets,
#             closed loop with $CONNECTIONS connections for $SECONDS s (its saturation throughput);
#   vigie     `vigie serve` runs the 2N checks itself, every $INTERVAL, concurrency $CONCURRENCY;
#             at small N its schedule, not its capacity, bounds the rate (2N / interval);
#   bb@rate   blackbox again at Vigie's measured rate when that is below its saturation (wrk waits
#             between requests, as Prometheus's schedule would): a process woken a few hundred times
#             a second pays for each wake-up, one kept busy does not — compare like with like.
# Before each run the kernel's TIME_WAIT table is let drain (at most 70 s): with tens of thousands of
# closed loopback connections left by the run before, every connect(2) searches for a free port and
# the second to run pays for the first.
# Measured per process from /proc: CPU seconds (utime+stime) over the window, peak RSS (VmHWM).
# Vigie's probes are counted from its own vigie_probe_runs_total; blackbox's are wrk's requests.
# `/metrics` latency: wrk, one connection, 5 s, against vigie serve while it probes.
# Not a test: the machine is shared and noisy; read the ratios, not the absolute numbers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONNECTIONS=${CONNECTIONS:-64}
CONCURRENCY=${CONCURRENCY:-64}
INTERVAL=${INTERVAL:-100ms}
NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(10 100 1000)

need=()
command -v nginx >/dev/null || need+=(nginx-light)
command -v prometheus-blackbox-exporter >/dev/null || need+=(prometheus-blackbox-exporter)
command -v wrk >/dev/null || need+=(wrk)
command -v ss >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# VIGIE_BINARY measures a given binary (the packaged one: /usr/bin/vigie of Scripts/package.sh's build).
if [ -n "${VIGIE_BINARY:-}" ]; then
    VIGIE=$VIGIE_BINARY
else
    swift build -c release --product vigie >&2
    VIGIE=$(swift build -c release --show-bin-path)/vigie
fi

WORK=$(mktemp -d /tmp/vigie-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

HTTP_PORT=${HTTP_PORT:-28080}
TCP_BASE=${TCP_BASE:-30000}
BLACKBOX_PORT=${BLACKBOX_PORT:-29115}
VIGIE_PORT=${VIGIE_PORT:-29470}
TICK=$(getconf CLK_TCK)

cpu_seconds() { awk -v t="$TICK" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }
peak_rss_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
vigie_runs() {
    curl -s "http://127.0.0.1:$VIGIE_PORT/metrics" | awk '/^vigie_probe_runs_total/ { s += $NF } END { printf "%d", s }'
}
drain_time_wait() {
    for _ in $(seq 1 70); do
        [ "$(ss -Htan state time-wait | wc -l)" -lt 2000 ] && return 0
        sleep 1
    done
}
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

start_nginx() { # N
    local n=$1 dir=$WORK/nginx
    mkdir -p "$dir"
    {
        echo "worker_processes 1; daemon off; pid $dir/nginx.pid; error_log $dir/error.log;"
        echo "events { worker_connections 16384; }"
        echo "http { access_log off; client_body_temp_path $dir/b; proxy_temp_path $dir/p; fastcgi_temp_path $dir/f; uwsgi_temp_path $dir/u; scgi_temp_path $dir/s;"
        echo "  server { listen 127.0.0.1:$HTTP_PORT; location / { return 200 \"ok\n\"; } }"
        echo "  server {"
        for i in $(seq 0 $((n - 1))); do echo "    listen 127.0.0.1:$((TCP_BASE + i));"; done
        echo "    location / { return 200; } }"
        echo "}"
    } > "$dir/nginx.conf"
    nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" </dev/null >/dev/null 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    wait_port "$HTTP_PORT"
}

run_blackbox() { # N [RATE] -> sets BB_RATE BB_CPU1000 BB_RSS (RATE: requests/s in all, default: as fast as it answers)
    local n=$1 rate=${2:-0}
    drain_time_wait
    cat > "$WORK/blackbox.yml" <<YML
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  tcp_connect:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
YML
    : > "$WORK/targets.txt"
    for i in $(seq 1 "$n"); do
        echo "/probe?module=http_2xx&target=http://127.0.0.1:$HTTP_PORT/t/$i" >> "$WORK/targets.txt"
        echo "/probe?module=tcp_connect&target=127.0.0.1:$((TCP_BASE + i - 1))" >> "$WORK/targets.txt"
    done
    cat > "$WORK/rotate.lua" <<'LUA'
local targets = {}
for line in io.lines(os.getenv("TARGETS")) do targets[#targets + 1] = line end
local i = math.random(#targets)
request = function()
  i = i % #targets + 1
  return wrk.format("GET", targets[i])
end
LUA
    # wrk's delay(): milliseconds each connection waits before its next request.
    [ "$rate" -gt 0 ] && echo "delay = function() return $((CONNECTIONS * 1000 / rate)) end" >> "$WORK/rotate.lua"
    prometheus-blackbox-exporter --config.file="$WORK/blackbox.yml" --web.listen-address="127.0.0.1:$BLACKBOX_PORT" \
        </dev/null >"$WORK/blackbox.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    wait_port "$BLACKBOX_PORT"
    local cpu0 cpu1 out requests
    cpu0=$(cpu_seconds "$pid")
    out=$(TARGETS="$WORK/targets.txt" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/rotate.lua" "http://127.0.0.1:$BLACKBOX_PORT")
    cpu1=$(cpu_seconds "$pid")
    requests=$(echo "$out" | awk '/requests in/ { print $1 }')
    BB_RATE=$(calc "$requests / $SECONDS_PER_RUN" 0)
    BB_CPU1000=$(calc "($cpu1 - $cpu0) / $requests * 1000" 3)
    BB_RSS=$(peak_rss_mb "$pid")
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

write_site() { # N INTERVAL FILE
    local n=$1 interval=$2
    {
        echo "site: {name: bench, domain: bench.vigie.test}"
        echo "services:"
        echo "  web:"
        echo "    interval: $interval"
        echo "    checks:"
        for i in $(seq 1 "$n"); do echo "      - http: http://127.0.0.1:$HTTP_PORT/t/$i"; done
        echo "  ports:"
        echo "    interval: $interval"
        echo "    checks:"
        for i in $(seq 0 $((n - 1))); do echo "      - tcp: 127.0.0.1:$((TCP_BASE + i))"; done
    } > "$3"
}

start_vigie() { # SITE -> sets VIGIE_PID
    "$VIGIE" serve --site "$1" --listen "127.0.0.1:$VIGIE_PORT" --concurrency "$CONCURRENCY" --log-level error \
        </dev/null >"$WORK/vigie.log" 2>&1 &
    VIGIE_PID=$!
    PIDS+=("$VIGIE_PID")
    wait_port "$VIGIE_PORT"
}

metrics_latency() { # -> "p50 p99" of GET /metrics, one connection, 5 s
    wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$VIGIE_PORT/metrics" | awk '$1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } END { print p50, p99 }'
}

run_vigie() { # N -> sets V_RATE V_CPU1000 V_RSS V_SAT_P99, V_IDLE_RSS V_P50 V_P99
    local n=$1
    drain_time_wait
    # 1. Saturation: every check every $INTERVAL; what the agent sustains, and its cost.
    write_site "$n" "$INTERVAL" "$WORK/fast.yml"
    start_vigie "$WORK/fast.yml"
    sleep 2   # let the first round spread out
    local cpu0 cpu1 runs0 runs1 start end
    runs0=$(vigie_runs); cpu0=$(cpu_seconds "$VIGIE_PID"); start=$(date +%s.%N)
    sleep "$SECONDS_PER_RUN"
    runs1=$(vigie_runs); cpu1=$(cpu_seconds "$VIGIE_PID"); end=$(date +%s.%N)
    V_RATE=$(calc "($runs1 - $runs0) / ($end - $start)" 0)
    V_CPU1000=$(calc "($cpu1 - $cpu0) / ($runs1 - $runs0) * 1000" 3)
    V_SAT_P99=$(metrics_latency | awk '{ print $2 }')
    V_RSS=$(peak_rss_mb "$VIGIE_PID")
    kill "$VIGIE_PID"; wait "$VIGIE_PID" 2>/dev/null || true
    # 2. Production schedule (every 30 s): memory and /metrics latency at N checks.
    write_site "$n" 30s "$WORK/slow.yml"
    start_vigie "$WORK/slow.yml"
    sleep 4   # every check has run once
    read -r V_P50 V_P99 <<<"$(metrics_latency)"
    V_IDLE_RSS=$(peak_rss_mb "$VIGIE_PID")
    kill "$VIGIE_PID"; wait "$VIGIE_PID" 2>/dev/null || true
}

printf '%s\n' "Vigie $("$VIGIE" --version) vs blackbox_exporter $(prometheus-blackbox-exporter --version 2>&1 | awk 'NR==1 { print $3 }'); $(nproc) cores; window ${SECONDS_PER_RUN}s; vigie interval $INTERVAL, concurrency $CONCURRENCY; wrk $CONNECTIONS connections"
printf '%-5s | %-24s | %-26s | %-22s | %-27s | %-24s | %s\n' "N" "probes/s vigie/bb" "CPU s/1000 probes v/bb" "v/bb@rate (bb's rate)" "peak RSS MB v(30s) v(sat)/bb" "/metrics p50/p99 (30s)" "/metrics p99 (sat)"
for n in "${NS[@]}"; do
    start_nginx "$n"
    run_blackbox "$n"
    SAT_RATE=$BB_RATE SAT_CPU1000=$BB_CPU1000 SAT_RSS=$BB_RSS
    sleep 1
    run_vigie "$n"
    AT_RATE="-"
    if [ "$(calc "$V_RATE < 0.8 * $SAT_RATE" 0)" = 1 ]; then
        run_blackbox "$n" "$V_RATE"
        AT_RATE="$(calc "$V_CPU1000 / $BB_CPU1000")x ($BB_RATE/s)"
    fi
    kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true
    printf '%-5s | %5s / %-5s = %5sx | %5s / %-5s = %5sx   | %-22s | %5s  %5s / %-5s          | %8s / %-8s      | %s\n' \
        "$n" "$V_RATE" "$SAT_RATE" "$(calc "$V_RATE / $SAT_RATE")" \
        "$V_CPU1000" "$SAT_CPU1000" "$(calc "$V_CPU1000 / $SAT_CPU1000")" "$AT_RATE" \
        "$V_IDLE_RSS" "$V_RSS" "$SAT_RSS" "$V_P50" "$V_P99" "$V_SAT_P99"
done
