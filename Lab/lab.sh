#!/usr/bin/env bash
# The Vigie test lab: real nginx, Prosody and coturn on 127.0.0.1, with a throw-away CA.
#
#   Lab/lab.sh up       install what is missing (apt-get), make certificates, start every daemon
#   Lab/lab.sh down     stop every daemon by its recorded PID
#   Lab/lab.sh status   show which daemons run
#
# State lives in $VIGIE_LAB_DIR (default /tmp/vigie-lab). Daemons run in the foreground under
# this script's control (there is no systemd here); their PIDs are kept in $VIGIE_LAB_DIR/pids/.
# Every port is on 127.0.0.1 only; see Lab/README.md for the map.
set -euo pipefail

LAB_DIR=${VIGIE_LAB_DIR:-/tmp/vigie-lab}
DOMAIN=meet.vigie.test
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Port map (keep in sync with Lab/README.md and Lab/vigie-lab*.yml).
HTTPS_OK=18443 HTTP_REDIRECT=18080 HTTP_PLAIN=18081 HTTP_ELSEWHERE=18082
HTTPS_EXPIRED=18444 HTTPS_WRONG_HOST=18445 HTTPS_NO_HSTS=18446 HTTPS_SELF_SIGNED=18447
XMPP_C2S=18222 XMPP_HTTP=18280
STUN=18478
UDP_SILENT=18000
POSTGRES=18432

log() { printf 'lab: %s\n' "$*" >&2; }

install_packages() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v prosody >/dev/null || missing+=(prosody lua-unbound)
    command -v turnserver >/dev/null || missing+=(coturn)
    command -v socat >/dev/null || missing+=(socat)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v setpriv >/dev/null || missing+=(util-linux)
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
    [ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

make_certificates() {
    local dir=$LAB_DIR/certs
    # done-2: the set with Prosody's expired certificate (an older set is made again).
    [ -f "$dir/done-2" ] && return 0
    log "making a throw-away CA and certificates in $dir"
    rm -rf "$dir" && mkdir -p "$dir/db"
    cd "$dir"
    touch db/index.txt
    echo 1000 > db/serial
    cat > ca.cnf <<CNF
[ ca ]
default_ca = lab
[ lab ]
dir = $dir
database = \$dir/db/index.txt
serial = \$dir/db/serial
new_certs_dir = \$dir/db
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = Vigie Lab CA
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
    openssl req -new -x509 -config ca.cnf -extensions v3_ca -key ca.key -days 3650 -out ca.pem 2>/dev/null

    # leaf NAME CN SAN START END [SELF]
    leaf() {
        local name=$1 cn=$2 san=$3 start=$4 end=$5
        openssl ecparam -name prime256v1 -genkey -noout -out "$name.key" 2>/dev/null
        openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr" 2>/dev/null
        cat > "$name.ext" <<EXT
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
        openssl ca -batch -config ca.cnf -extfile "$name.ext" -extensions leaf -notext \
            -startdate "$start" -enddate "$end" -in "$name.csr" -out "$name.pem" 2>/dev/null
        cat "$name.pem" ca.pem > "$name.chain.pem"
    }
    local now_start later past_start past_end
    now_start=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)
    later=$(date -u -d '+397 days' +%Y%m%d%H%M%SZ)
    past_start=$(date -u -d '400 days ago' +%Y%m%d%H%M%SZ)
    past_end=$(date -u -d '3 days ago' +%Y%m%d%H%M%SZ)
    leaf good "$DOMAIN" "DNS:$DOMAIN" "$now_start" "$later"
    leaf expired "$DOMAIN" "DNS:$DOMAIN" "$past_start" "$past_end"
    leaf wronghost "other.vigie.test" "DNS:other.vigie.test" "$now_start" "$later"
    # Prosody's VirtualHost expired.$DOMAIN: right name, expired.
    leaf xmpp-expired "expired.$DOMAIN" "DNS:expired.$DOMAIN" "$past_start" "$past_end"
    # Self-signed: its own issuer, never in any trust store.
    openssl ecparam -name prime256v1 -genkey -noout -out selfsigned.key 2>/dev/null
    openssl req -new -x509 -key selfsigned.key -subj "/CN=$DOMAIN" -days 365 \
        -addext "subjectAltName=DNS:$DOMAIN" -out selfsigned.pem 2>/dev/null
    cp selfsigned.pem selfsigned.chain.pem
    cp ca.pem "$LAB_DIR/ca.pem"
    touch done done-2
    cd - >/dev/null
}

pid_alive() { [ -f "$LAB_DIR/pids/$1" ] && kill -0 "$(cat "$LAB_DIR/pids/$1")" 2>/dev/null; }

wait_tcp() {
    local port=$1 name=$2
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "$name did not open 127.0.0.1:$port; see $LAB_DIR/$name/"
    return 1
}

wait_udp() {
    local port=$1 name=$2
    for _ in $(seq 1 100); do
        if grep -qi ":$(printf '%04X' "$port") " /proc/net/udp /proc/net/udp6 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "$name did not bind 127.0.0.1:$port/udp"
    return 1
}

server_block() { # PORT CERT HSTS(yes|no) BODY
    local hsts=""
    [ "$3" = yes ] && hsts='add_header Strict-Transport-Security "max-age=63072000" always;'
    cat <<CONF
    server {
        listen 127.0.0.1:$1 ssl;
        server_name $DOMAIN;
        ssl_certificate $LAB_DIR/certs/$2.chain.pem;
        ssl_certificate_key $LAB_DIR/certs/$2.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        $hsts
        location / { return 200 "$4\n"; }
    }
CONF
}

start_nginx() {
    pid_alive nginx && return 0
    local dir=$LAB_DIR/nginx
    mkdir -p "$dir/tmp" "$dir/logs"
    {
        cat <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 256; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    default_type text/plain;
    server {
        listen 127.0.0.1:$HTTP_REDIRECT;
        server_name $DOMAIN;
        location / { return 301 https://$DOMAIN:$HTTPS_OK\$request_uri; }
    }
    server {
        listen 127.0.0.1:$HTTP_ELSEWHERE;
        server_name $DOMAIN;
        location / { return 302 https://elsewhere.vigie.test/login; }
    }
    server {
        listen 127.0.0.1:$HTTP_PLAIN;
        server_name $DOMAIN;
        location / { return 200 "plain http, no redirect\n"; }
    }
CONF
        server_block "$HTTPS_OK" good yes "vigie lab: healthy"
        server_block "$HTTPS_EXPIRED" expired yes "vigie lab: expired certificate"
        server_block "$HTTPS_WRONG_HOST" wronghost yes "vigie lab: wrong host name"
        server_block "$HTTPS_NO_HSTS" good no "vigie lab: no HSTS"
        server_block "$HTTPS_SELF_SIGNED" selfsigned yes "vigie lab: self-signed"
        echo "}"
    } > "$dir/nginx.conf"
    nginx -t -q -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf"
    nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" >"$dir/logs/stdout.log" 2>&1 &
    echo $! > "$LAB_DIR/pids/nginx"
    wait_tcp "$HTTPS_OK" nginx
}

start_prosody() {
    pid_alive prosody && return 0
    local dir=$LAB_DIR/prosody
    mkdir -p "$dir/data" "$dir/certs"
    cp "$LAB_DIR/certs/good.chain.pem" "$dir/certs/$DOMAIN.crt"
    cp "$LAB_DIR/certs/good.key" "$dir/certs/$DOMAIN.key"
    cp "$LAB_DIR/certs/xmpp-expired.chain.pem" "$dir/certs/expired.$DOMAIN.crt"
    cp "$LAB_DIR/certs/xmpp-expired.key" "$dir/certs/expired.$DOMAIN.key"
    cat > "$dir/prosody.cfg.lua" <<CONF
-- Vigie lab: Prosody on loopback only.
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
log = { info = "$dir/prosody.log"; error = "$dir/prosody.err" }
modules_enabled = {
    "roster"; "saslauth"; "tls"; "disco"; "ping"; "bosh"; "websocket"; "http_openmetrics";
}
modules_disabled = { "s2s" }
c2s_ports = { $XMPP_C2S }
c2s_interfaces = { "127.0.0.1" }
c2s_direct_tls_ports = {}
s2s_ports = {}
component_ports = {}
http_ports = { $XMPP_HTTP }
http_interfaces = { "127.0.0.1" }
https_ports = {}
c2s_require_encryption = true
statistics = "internal"
statistics_interval = "manual"
consider_bosh_secure = true
consider_websocket_secure = true

VirtualHost "$DOMAIN"
    authentication = "anonymous"
    ssl = { certificate = "$dir/certs/$DOMAIN.crt"; key = "$dir/certs/$DOMAIN.key" }

Component "conference.$DOMAIN" "muc"

-- For the xmpp probe's certificate judgement: an expired certificate, and one for another name.
VirtualHost "expired.$DOMAIN"
    authentication = "anonymous"
    ssl = { certificate = "$dir/certs/expired.$DOMAIN.crt"; key = "$dir/certs/expired.$DOMAIN.key" }

VirtualHost "mismatch.$DOMAIN"
    authentication = "anonymous"
    ssl = { certificate = "$dir/certs/$DOMAIN.crt"; key = "$dir/certs/$DOMAIN.key" }
CONF
    chown -R prosody:prosody "$dir"
    chmod 600 "$dir/certs/$DOMAIN.key" "$dir/certs/expired.$DOMAIN.key"
    # Prosody refuses to keep running as root: drop to its own user.
    setpriv --reuid=prosody --regid=prosody --init-groups \
        prosody --config "$dir/prosody.cfg.lua" -F >"$dir/stdout.log" 2>&1 &
    echo $! > "$LAB_DIR/pids/prosody"
    wait_tcp "$XMPP_C2S" prosody
    wait_tcp "$XMPP_HTTP" prosody
}

start_coturn() {
    pid_alive coturn && return 0
    local dir=$LAB_DIR/coturn
    mkdir -p "$dir"
    # Jitsi's coturn setup: shared-secret TURN credentials; STUN Binding needs none.
    turnserver -n --listening-ip=127.0.0.1 --listening-port="$STUN" --relay-ip=127.0.0.1 \
        --min-port=49152 --max-port=49200 --no-tls --no-dtls --no-cli \
        --realm="$DOMAIN" --use-auth-secret --static-auth-secret=vigie-lab-secret \
        --pidfile="$dir/turnserver.pid" --log-file="$dir/turnserver.log" --simple-log --no-stdout-log \
        >"$dir/stdout.log" 2>&1 &
    echo $! > "$LAB_DIR/pids/coturn"
    wait_udp "$STUN" coturn
}

start_silent_udp() {
    pid_alive silent-udp && return 0
    # Stands in for Jitsi Videobridge's media port: bound, reads everything, never answers
    # (ice4j drops STUN from unknown peers). Not a model of anything else the bridge does.
    socat -u "UDP4-RECV:$UDP_SILENT,bind=127.0.0.1" /dev/null </dev/null >/dev/null 2>&1 &
    echo $! > "$LAB_DIR/pids/silent-udp"
    wait_udp "$UDP_SILENT" silent-udp
}

start_postgres() {
    pid_alive postgres && return 0
    local dir=$LAB_DIR/postgres bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        # Trust on loopback only: a throw-away lab server for the register's tests.
        setpriv --reuid=postgres --regid=postgres --init-groups \
            "$bin/initdb" -D "$dir/data" -U vigie -A trust >"$dir/initdb.log" 2>&1
    fi
    setpriv --reuid=postgres --regid=postgres --init-groups \
        "$bin/postgres" -D "$dir/data" -p "$POSTGRES" -k "$dir" -c listen_addresses=127.0.0.1 \
        </dev/null >"$dir/postgres.log" 2>&1 &
    echo $! > "$LAB_DIR/pids/postgres"
    wait_tcp "$POSTGRES" postgres
}

up() {
    install_packages
    mkdir -p "$LAB_DIR/pids"
    chmod 755 "$LAB_DIR"
    make_certificates
    start_nginx
    start_prosody
    start_coturn
    start_silent_udp
    start_postgres
    sed "s#/tmp/vigie-lab#$LAB_DIR#g" "$HERE/vigie-lab.yml" > "$LAB_DIR/vigie-lab.yml"
    sed "s#/tmp/vigie-lab#$LAB_DIR#g" "$HERE/vigie-lab-broken.yml" > "$LAB_DIR/vigie-lab-broken.yml"
    log "up: nginx, prosody, coturn, a silent UDP port and postgresql on 127.0.0.1 (state in $LAB_DIR)"
}

stop_one() {
    local name=$1 file=$LAB_DIR/pids/$1
    [ -f "$file" ] || return 0
    local pid
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
    log "stopped $name"
}

down() {
    for name in postgres silent-udp coturn prosody nginx; do stop_one "$name"; done
}

status() {
    local code=0
    for name in nginx prosody coturn silent-udp postgres; do
        if pid_alive "$name"; then
            printf '%-11s running (pid %s)\n' "$name" "$(cat "$LAB_DIR/pids/$name")"
        else
            printf '%-11s stopped\n' "$name"
            code=3
        fi
    done
    return $code
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    stop) stop_one "${2:?which daemon?}" ;;
    *) echo "usage: $0 up|down|status|stop NAME" >&2; exit 2 ;;
esac
