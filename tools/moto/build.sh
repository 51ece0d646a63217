#!/usr/bin/env bash
# Installs moto's server mode (an AWS API emulator, Apache-2.0: https://github.com/getmoto/moto)
# from PyPI into a virtualenv under ${OSSMON_TOOLS_CACHE:-<repo>/.cache/tools}/moto-<version>/, once.
# The tests that exercise the project's AWS SDK code (Organizations enrolment) start it on a free
# loopback port (test/support/moto.ts). Prints the moto_server path on stdout; progress to stderr.
# Needs: python3 (>= 3.9) with the venv module, and the PyPI index (pip's ordinary client).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version=5.2.1

cache="${OSSMON_TOOLS_CACHE:-$repo/.cache/tools}/moto-$version"
bin="$cache/venv/bin/moto_server"
if [ -x "$bin" ] && [ -f "$cache/.installed" ]; then
    echo "$bin"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "moto install: python3 is missing; install python3 and python3-venv and re-run" >&2
    exit 2
fi
mkdir -p "$cache"
rm -rf "$cache/venv" "$cache/.installed"
echo "moto install: moto[server]==$version into $cache/venv (first run only)" >&2
python3 -m venv "$cache/venv" >&2 || { echo "moto install: python3 -m venv failed; install python3-venv and re-run" >&2; exit 2; }
"$cache/venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version" >&2
"$bin" --help >/dev/null
touch "$cache/.installed"
echo "$bin"
