#!/usr/bin/env bash
# Builds the ADOT-equivalent collector (ocb + builder-config.yaml) and telemetrygen into
# ${OSSMON_TOOLS_CACHE:-<repo>/.cache/tools}/collector-<version>/, once: a later run whose cache
# holds binaries built from the same manifest prints the path at once. Prints the collector
# binary's path on stdout (telemetrygen sits beside it); progress and errors go to stderr.
# Needs: the Go toolchain (>= 1.22) and the Go module proxy; ~2 GB of module cache and disk.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
manifest="$here/builder-config.yaml"

# Versions come from the manifest so that it stays the only place they are written.
version="$(sed -n 's/^  version: *//p' "$manifest" | head -1)"
core="$(sed -n 's#^  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver \(v[0-9.]*\)$#\1#p' "$manifest")"
if [ -z "$version" ] || [ -z "$core" ]; then
    echo "collector build: $manifest has no dist.version or otlpreceiver version; fix the manifest" >&2
    exit 2
fi
if ! command -v go >/dev/null 2>&1; then
    echo "collector build: the Go toolchain is missing; install Go >= 1.22 (https://go.dev/doc/install) and re-run" >&2
    exit 2
fi

# telemetrygen is only an independent OTLP client, so its version need not match the collector's:
# the module proxy serves cmd/telemetrygen from v0.149.0 on, not at v0.117.0.
telemetrygen_version=v0.149.0

cache="${OSSMON_TOOLS_CACHE:-$repo/.cache/tools}/collector-$version"
stamp="$(sha256sum "$manifest" | cut -c1-16)"
bin="$cache/otelcol-adot"
if [ -x "$bin" ] && [ -x "$cache/telemetrygen" ] && [ "$(cat "$cache/.manifest" 2>/dev/null)" = "$stamp" ]; then
    echo "$bin"
    exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The module proxy serves modules but not the checksum database on this project's machines;
# with GOSUMDB unset, Go would refuse every download. go.sum still pins what was fetched.
export GOSUMDB="${GOSUMDB:-off}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export CGO_ENABLED="${CGO_ENABLED:-0}"

log="$work/build.log"
fail() { echo "collector build: $1 failed; last lines of $cache/build-failed.log:" >&2; cp "$log" "$cache/build-failed.log"; tail -20 "$log" >&2; exit 1; }

start=$(date +%s)
# Each binary is moved into place as soon as it is built, so a failure later keeps what was done.
if [ ! -x "$bin" ] || [ "$(cat "$cache/.manifest" 2>/dev/null)" != "$stamp" ]; then
    echo "collector build: building ocb $core and the collector $version into $cache (first run only, long)" >&2
    GOBIN="$work/bin" nice -n 10 go install "go.opentelemetry.io/collector/cmd/builder@$core" >"$log" 2>&1 || fail "go install ocb"
    nice -n 10 "$work/bin/builder" --config="$manifest" --output-path="$work/dist" >>"$log" 2>&1 || fail "ocb"
    mv -f "$work/dist/otelcol-adot" "$bin"
    mv -f "$work/bin/builder" "$cache/ocb"
    echo "$stamp" >"$cache/.manifest"
fi
if [ ! -x "$cache/telemetrygen" ]; then
    echo "collector build: building telemetrygen $telemetrygen_version" >&2
    GOBIN="$work/bin" nice -n 10 go install "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@$telemetrygen_version" >>"$log" 2>&1 || fail "go install telemetrygen"
    mv -f "$work/bin/telemetrygen" "$cache/telemetrygen"
fi
rm -f "$cache/build-failed.log"
echo "collector build: done in $(( $(date +%s) - start ))s" >&2
echo "$bin"
