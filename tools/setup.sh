#!/usr/bin/env bash
# Installs or builds everything the test suite needs, idempotently, so `npm test` passes on a
# fresh machine of the project's kind (Debian, root, Go toolchain + module proxy, npm).
# Debian packages are installed when missing; binaries built from the Go module proxy go into a
# git-ignored cache keyed by version ($OSSMON_TOOLS_CACHE, default .cache/tools), so only the
# first run builds. The supported Node.js releases (tools/node/versions.json) come from the npm
# registry into the same cache. Each tools/<name>/build.sh prints the path of what it built.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v amtool >/dev/null 2>&1 || need_apt+=(prometheus-alertmanager)
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: missing ${need_apt[*]}; install them with: apt-get install -y ${need_apt[*]}" >&2
        exit 2
    fi
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

for build in tools/*/build.sh; do
    [ -f "$build" ] || continue
    bash "$build" >/dev/null
done
