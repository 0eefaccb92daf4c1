#!/usr/bin/env bash
# Builds what an administrator installs on a Jitsi host: dist/vigie_<version>_amd64.deb.
#
#   Scripts/package.sh            # the version from `git describe` (see below)
#   VIGIE_VERSION=0.2.0 Scripts/package.sh
#
# - a release build with the Swift runtime and Foundation linked statically (--static-swift-stdlib),
#   stripped; it needs only libc, libstdc++, libgcc, libsqlite3 and zlib from Debian (dpkg-shlibdeps
#   names them in Depends). Its own build directory (.build-release, VIGIE_RELEASE_SCRATCH), so the
#   debug build and the tests are untouched;
# - the package: /usr/bin/vigie; the units of `vigie serve`, the daily report and the log purge
#   (rendered by the binary itself from Templates/systemd: the same text `vigie render` is tested
#   with); the user vigie (sysusers.d); /etc/vigie/vigie.yml.example (a conffile); /var/lib/vigie
#   (0750, vigie) made by postinst; a man page per command (swift-argument-parser's generate-manual);
#   bash, zsh and fish completions; copyright, changelog and the licences of what the binary embeds;
# - lintian, which must report no error (warnings kept are overridden in Packaging/debian/lintian-overrides,
#   each with its reason).
#
# The version: VIGIE_VERSION if set; otherwise `git describe` of the newest v<version> tag
# (v0.2.0 -> 0.2.0, 12 commits later -> 0.2.0+12.g<hash>), or with no such tag the base version of
# Package.swift as a pre-release, 0.1.0~git<commits>.g<hash>, which sorts before a later 0.1.0.
# Uncommitted changes add `.dirty`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scratch=${VIGIE_RELEASE_SCRATCH:-.build-release}
dist=${VIGIE_DIST:-dist}
fail() { echo "package: $*" >&2; exit 1; }

for tool in dpkg-deb dpkg-shlibdeps lintian strip gzip git; do
    command -v "$tool" >/dev/null || fail "$tool is missing (Scripts/setup.sh installs it)"
done

if [[ -z "${VIGIE_VERSION:-}" ]]; then
    if described=$(git describe --tags --long --match 'v[0-9]*' 2>/dev/null); then
        tag=${described%-*-g*}
        rest=${described#"$tag"-}
        count=${rest%%-*}
        hash=${rest#*-}
        VIGIE_VERSION=${tag#v}
        [[ "$count" == 0 ]] || VIGIE_VERSION+="+$count.$hash"
    else
        base=$(sed -n 's/^let baseVersion = "\(.*\)"$/\1/p' Package.swift)
        [[ -n "$base" ]] || fail "no baseVersion in Package.swift"
        VIGIE_VERSION="$base~git$(git rev-list --count HEAD).g$(git rev-parse --short=7 HEAD)"
    fi
    git diff --quiet HEAD -- 2>/dev/null || VIGIE_VERSION+=".dirty"
fi
# A native package's version: no Debian revision (no '-').
[[ "$VIGIE_VERSION" =~ ^[0-9][A-Za-z0-9.+~]*$ && ${#VIGIE_VERSION} -le 64 ]] \
    || fail "VIGIE_VERSION \"$VIGIE_VERSION\" is not a package version (a digit, then letters, digits and .+~)"
export VIGIE_VERSION
version=$VIGIE_VERSION
echo "package: vigie $version"

started=$SECONDS
swift build -c release --static-swift-stdlib --product vigie --scratch-path "$scratch" \
    -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now
binary="$scratch/release/vigie"
echo "package: release build in $((SECONDS - started)) s"
# The tool that writes the man pages, from swift-argument-parser (built once in the same directory).
swift build -c release --product generate-manual --scratch-path "$scratch" >/dev/null 2>&1 \
    || swift build -c release --target generate-manual --scratch-path "$scratch"
manual_tool="$scratch/release/generate-manual"
[[ -x "$manual_tool" ]] || fail "generate-manual was not built"

if ldd "$binary" | grep -q -e "$(dirname "$(dirname "$(command -v swift)")")" -e 'not found'; then
    ldd "$binary" >&2
    fail "$binary needs libraries of the Swift toolchain: it would not run on a Jitsi host"
fi
[[ "$("$binary" --version)" == "$version" ]] || fail "$binary --version says $("$binary" --version), not $version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/usr/lib/sysusers.d" \
    "$root/etc/vigie" "$root/usr/share/man/man1" "$root/usr/share/doc/vigie" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/lintian/overrides"

# The binary, stripped as dh_strip does.
install -m 0755 "$binary" "$root/usr/bin/vigie"
strip --remove-section=.comment --remove-section=.note "$root/usr/bin/vigie"

# The units: the same templates `vigie render` is tested with, with the package's paths.
"$root/usr/bin/vigie" package-units --out "$root/lib/systemd/system"
chmod 0644 "$root/lib/systemd/system/"*
install -m 0644 Packaging/debian/sysusers.conf "$root/usr/lib/sysusers.d/vigie.conf"
install -m 0644 Examples/vigie.yml "$root/etc/vigie/vigie.yml.example"

# Man pages, dated by the commit (the same tree gives the same pages).
commit_date=$(git log -1 --format=%cs HEAD)
"$manual_tool" "$root/usr/bin/vigie" --multi-page --date "$commit_date" --section 1 \
    --authors "The Vigie developers" --output-directory "$root/usr/share/man/man1"
# Debian's names: vigie-incident-open(1) for `vigie incident open` (the NAME line a one-word name,
# as whatis needs it; the synopsis keeps the command as typed), cross-references likewise.
for page in "$root/usr/share/man/man1/"*.1; do
    base=$(basename "$page" .1)
    words=$(sed -n 's/^\.Nm "\(.*\)"$/\1/p' "$page" | head -1)
    sed -i -e '/^\.Dt /{s/^\.Dt //; s/\./-/g; s/^/.Dt /}' -e '/^\.Xr vigie/{s/^\.Xr //; s/\./-/g; s/^/.Xr /}' "$page"
    if [[ -n "$words" ]]; then
        sed -i -e "0,/^\.Nm \"$words\"\$/s//.Nm ${words// /-}/" -e "s/^\.Nm\$/.Nm \"$words\"/" "$page"
    fi
    [[ "$base" == "${base//./-}" ]] || mv "$page" "$root/usr/share/man/man1/${base//./-}.1"
done
for page in "$root/usr/share/man/man1/"*.1; do gzip -9n "$page"; done
chmod 0644 "$root/usr/share/man/man1/"*

# bash-completion sources its files: no interpreter line.
"$root/usr/bin/vigie" --generate-completion-script bash | sed '1{/^#!/d}' > "$root/usr/share/bash-completion/completions/vigie"
"$root/usr/bin/vigie" --generate-completion-script zsh > "$root/usr/share/zsh/vendor-completions/_vigie"
"$root/usr/bin/vigie" --generate-completion-script fish > "$root/usr/share/fish/vendor_completions.d/vigie.fish"

# Documentation: copyright (DEP-5), the changelog of a native package, the licences of what is embedded.
maintainer=${VIGIE_MAINTAINER:-$(git log -1 --format='%an <%ae>' HEAD)}
install -m 0644 Packaging/debian/copyright "$root/usr/share/doc/vigie/copyright"
{
    echo "vigie ($version) bookworm; urgency=medium"
    echo
    echo "  * Built from commit $(git rev-parse --short=12 HEAD) of $(git log -1 --format=%cs HEAD)."
    echo
    echo " -- $maintainer  $(git log -1 --format=%aD HEAD)"
} > "$work/changelog"
gzip -9n < "$work/changelog" > "$root/usr/share/doc/vigie/changelog.gz"
{
    echo "Licences of the software compiled into /usr/bin/vigie: the Swift runtime and Foundation"
    echo "(linked statically) and the Swift packages resolved for the build (a few are only used by"
    echo "Vigie's tests). Vigie itself: Apache-2.0 (see copyright)."
    swift_licence="$(dirname "$(dirname "$(command -v swift)")")/share/swift/LICENSE.txt"
    if [[ -f "$swift_licence" ]]; then
        printf '\n==== Swift runtime and Foundation (%s)\n\n' "$(swift --version 2>/dev/null | head -1)"
        cat "$swift_licence"
    fi
    for dir in "$scratch/checkouts/"*/; do
        name=$(basename "$dir")
        for file in "$dir"LICENSE* "$dir"NOTICE* "$dir"COPYING*; do
            [[ -f "$file" ]] || continue
            printf '\n==== %s: %s\n\n' "$name" "$(basename "$file")"
            cat "$file"
        done
    done
} | gzip -9n > "$root/usr/share/doc/vigie/third-party-licenses.txt.gz"
chmod 0644 "$root/usr/share/doc/vigie/"*
install -m 0644 Packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/vigie"

# Maintainer scripts and control.
install -m 0755 Packaging/debian/postinst Packaging/debian/prerm Packaging/debian/postrm "$root/DEBIAN/"
echo "/etc/vigie/vigie.yml.example" > "$root/DEBIAN/conffiles"
chmod 0644 "$root/DEBIAN/conffiles"
# dpkg-shlibdeps reads debian/control of a source tree: a minimal one in the work directory.
mkdir -p "$work/src/debian"
printf 'Source: vigie\n\nPackage: vigie\nArchitecture: amd64\n' > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/vigie" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n "$shlibs" ]] || fail "dpkg-shlibdeps found no library dependency"
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@DEPENDS@/$shlibs/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
    -e "s/@MAINTAINER@/$maintainer/" Packaging/debian/control.in > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$dist"
deb="$dist/vigie_${version}_amd64.deb"
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct HEAD) dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null

# lintian: no error; each warning kept is overridden with its reason.
lintian_log="$work/lintian.log"
lintian --fail-on error,warning --display-info "$deb" > "$lintian_log" 2>&1 || {
    cat "$lintian_log" >&2
    fail "lintian refused $deb"
}
grep -v '^N:' "$lintian_log" || true

size() { du -h --apparent-size "$1" | cut -f1; }
echo "package: $deb ($(size "$deb")); /usr/bin/vigie $(size "$root/usr/bin/vigie") stripped" \
    "($(size "$binary") unstripped); installed $installed_size KiB; $((SECONDS - started)) s in all"
