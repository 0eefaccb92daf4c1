#!/usr/bin/env bash
# Installs what building and testing Vigie needs on Debian 12 (idempotent, fast when done).
# Swift itself is not a Debian package: it must be on PATH (swift.org toolchain, 6.1 or later).
set -euo pipefail

need=()
command -v git >/dev/null || need+=(git)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v curl >/dev/null || need+=(curl)
[ -f /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
# The tests talk to a real Prometheus and run promtool.
command -v prometheus >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v prometheus-node-exporter >/dev/null || need+=(prometheus-node-exporter)
command -v psql >/dev/null || need+=(postgresql-client)
# The daily report's PNG.
command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
# `vigie render`: every artifact is checked by its real tool, the firewall in network namespaces,
# the certificate path with a local ACME server.
command -v nginx >/dev/null || need+=(nginx)
command -v nft >/dev/null || need+=(nftables)
command -v ip >/dev/null || need+=(iproute2)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v cloud-init >/dev/null || need+=(cloud-init)
command -v logrotate >/dev/null || need+=(logrotate)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v prometheus-blackbox-exporter >/dev/null || need+=(prometheus-blackbox-exporter)
command -v certbot >/dev/null || need+=(certbot)
command -v pebble >/dev/null || need+=(pebble)
command -v openssl >/dev/null || need+=(openssl)
dpkg -s netcat-openbsd >/dev/null 2>&1 || need+=(netcat-openbsd)
# The Debian package (Scripts/package.sh) and the booted Debian 12 it is installed into.
command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
command -v lintian >/dev/null || need+=(lintian)
command -v strip >/dev/null || need+=(binutils)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
# Hostile site values are checked against the real parsers of every rendered file's language.
command -v shfmt >/dev/null || need+=(shfmt)
command -v python3 >/dev/null || need+=(python3 python3-pip)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "setup: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The render differential (Tests/Tools/render_differential.py) reads YAML, nginx, Terraform and
# Markdown with their own parsers, from PyPI.
if ! python3 -c 'import yaml, crossplane, hcl2, markdown_it' 2>/dev/null; then
    echo "setup: installing PyYAML crossplane python-hcl2 markdown-it-py (pip)" >&2
    packages=(PyYAML==6.0.3 crossplane==0.5.8 python-hcl2==8.1.4 markdown-it-py==4.3.0)
    # Debian's own python3 is "externally managed" (PEP 668): pip needs to be told it may install there.
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${packages[@]}" \
        || python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --break-system-packages "${packages[@]}"
    python3 -c 'import yaml, crossplane, hcl2, markdown_it'
fi

if ! command -v swift >/dev/null; then
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        [ -x "$dir/swift" ] && { echo "setup: add $dir to PATH" >&2; break; }
    done
    echo "setup: swift is not on PATH; install a Swift 6.1+ toolchain from swift.org" >&2
    exit 1
fi
