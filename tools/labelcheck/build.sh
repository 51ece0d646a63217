#!/usr/bin/env bash
# Builds labelcheck (main.go: the remote-write exporter's LabelNamer (otlptranslator v1.0.0, contrib v0.156.0) and Go's regexp, from the
# Go module proxy at the collector's pinned contrib version) into
# ${OSSMON_TOOLS_CACHE:-<repo>/.cache/tools}/labelcheck-<hash of go.mod, go.sum, main.go>/, once.
# Prints the binary's path on stdout; progress and errors go to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if ! command -v go >/dev/null 2>&1; then
    echo "labelcheck build: the Go toolchain is missing; install Go >= 1.25 (https://go.dev/doc/install) and re-run" >&2
    exit 2
fi
stamp="$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)"
cache="${OSSMON_TOOLS_CACHE:-$repo/.cache/tools}/labelcheck-$stamp"
bin="$cache/labelcheck"
if [ -x "$bin" ]; then
    echo "$bin"
    exit 0
fi
mkdir -p "$cache"
# Same settings as tools/collector/build.sh: the proxy serves modules, not the checksum database.
export GOSUMDB="${GOSUMDB:-off}" GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED="${CGO_ENABLED:-0}"
(cd "$here" && nice -n 10 go build -o "$bin.tmp" .) >&2 || { echo "labelcheck build: go build failed (output above)" >&2; rm -f "$bin.tmp"; exit 1; }
mv -f "$bin.tmp" "$bin"
echo "$bin"
