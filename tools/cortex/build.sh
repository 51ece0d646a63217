#!/usr/bin/env bash
# Builds the Cortex single binary (github.com/cortexproject/cortex/cmd/cortex, the engine Amazon
# Managed Service for Prometheus is built on) from the Go module proxy, through the wrapper module
# beside this script, into ${OSSMON_TOOLS_CACHE:-<repo>/.cache/tools}/cortex-<version>/cortex, once.
# The version is the one go.mod requires. Prints the binary's path on stdout; progress and errors
# go to stderr. Needs the Go toolchain (>= 1.25) and the module proxy; ~1.5 GB of module cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
fail() { echo "tools/cortex/build.sh: $*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || { echo "tools/cortex/build.sh: the Go toolchain is missing; install Go >= 1.25 (https://go.dev/doc/install) and re-run" >&2; exit 2; }
version="$(sed -n 's#^require github.com/cortexproject/cortex v\([0-9.]*\)$#\1#p' "$here/go.mod")"
[ -n "$version" ] || { echo "tools/cortex/build.sh: go.mod has no 'require github.com/cortexproject/cortex vX.Y.Z' line; restore it" >&2; exit 2; }

# The build tags of Cortex's own release binaries (its Makefile, GO_FLAGS: `-tags "netgo slicelabels"`).
# Without slicelabels, Prometheus v0.308's labels default to the stringlabels layout, and Cortex's
# distributor panics on its first push with per-label-set limits (index out of range in
# labels.decodeSize, reached from validation.LimitsPerLabelSetsForSeries): measured here.
tags="netgo,slicelabels"
cache="${OSSMON_TOOLS_CACHE:-$repo/.cache/tools}/cortex-$version"
bin="$cache/cortex"
# Rebuilt when the wrapper module or the tags change, not only the version.
stamp="$( (cat "$here/go.mod" "$here/go.sum"; echo "$tags") | sha256sum | cut -c1-16)"
if [ -x "$bin" ] && [ "$(cat "$cache/.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$bin"
    exit 0
fi
mkdir -p "$cache"
# Same settings as tools/collector/build.sh: the proxy serves modules, not the checksum database;
# go.sum (Cortex's own, plus Cortex's module line) still pins every module that is fetched.
export GOSUMDB="${GOSUMDB:-off}" GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED="${CGO_ENABLED:-0}"
echo "tools/cortex/build.sh: building cortex v$version from the Go module proxy (first run only; long on 2 cores)" >&2
start=$(date +%s)
tmp="$bin.tmp.$$"
(cd "$here" && nice -n 10 go build -trimpath -tags "$tags" -ldflags "-s -w -X main.Version=$version" \
    -o "$tmp" github.com/cortexproject/cortex/cmd/cortex) >&2 \
    || { rm -f "$tmp"; fail "go build of cmd/cortex failed (output above); the wrapper module is tools/cortex/go.mod"; }
mv -f "$tmp" "$bin"
echo "$stamp" > "$cache/.stamp"
echo "tools/cortex/build.sh: built cortex v$version in $(( $(date +%s) - start ))s" >&2
echo "$bin"
