#!/usr/bin/env bash
# Builds the Pulumi CLI at the version of @pulumi/pulumi in package-lock.json from the Go module
# proxy (through the wrapper module beside this script), plus the project's Node.js language host
# and `command` provider (tools/pulumi/plugins/, see there why they are the project's own), into
# ${OSSMON_TOOLS_CACHE:-<repo>/.cache/tools}/pulumi-<version>/bin and prints that directory.
# Skips the Go build when the binary is there; recompiles the plugins when their sources changed.
# Put the directory first on PATH; the engine then finds pulumi-language-nodejs and
# pulumi-resource-command there as ambient plugins (keep PULUMI_IGNORE_AMBIENT_PLUGINS unset).
# Also builds Pulumi's own Node.js language host into a directory of its own (nodejs-host/build.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fail() { echo "tools/pulumi/build.sh: $*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || fail "the Go toolchain is not on PATH; install Go 1.25+ (it fetches modules from the Go module proxy)"
command -v node >/dev/null 2>&1 || fail "node is not on PATH"
version="$(node -e 'const l=require(process.argv[1]);const p=l.packages["node_modules/@pulumi/pulumi"];if(!p)process.exit(1);console.log(p.version)' "$root/package-lock.json")" \
    || fail "package-lock.json has no node_modules/@pulumi/pulumi entry"
grep -q "github.com/pulumi/pulumi/pkg/v3 v$version\$" "$here/go.mod" \
    || fail "tools/pulumi/go.mod does not require github.com/pulumi/pulumi/pkg/v3 v$version (the lockfile's @pulumi/pulumi); update the require and run 'go mod tidy' there"

cache="${OSSMON_TOOLS_CACHE:-$root/.cache/tools}/pulumi-$version"
bin="$cache/bin"
mkdir -p "$bin" "$cache/lib"

if [ ! -x "$bin/pulumi" ]; then
    echo "building pulumi v$version from the Go module proxy (several minutes on 2 cores)..." >&2
    start=$(date +%s)
    tmp="$bin/.pulumi.tmp.$$"
    (cd "$here" && nice -n 10 go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
        -o "$tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2 \
        || { rm -f "$tmp"; fail "go build of the Pulumi CLI failed (see above); the wrapper module is tools/pulumi/go.mod"; }
    mv "$tmp" "$bin/pulumi"
    echo "built pulumi v$version in $(( $(date +%s) - start ))s" >&2
fi

# Plugins: compiled TypeScript plus a shell shim per plugin name the engine looks for.
stamp="$(cat "$here"/plugins/*.ts | sha256sum | cut -c1-16)"
if [ "$(cat "$cache/lib/.stamp" 2>/dev/null)" != "$stamp" ]; then
    tsc="$root/node_modules/.bin/tsc"
    [ -x "$tsc" ] || fail "node_modules/.bin/tsc is missing; run npm ci first"
    (cd "$root" && "$tsc" --outDir "$cache/lib" --rootDir "$here/plugins" --module commonjs --target es2022 --strict \
        --esModuleInterop --skipLibCheck --types node "$here"/plugins/*.ts) >&2 \
        || fail "compiling tools/pulumi/plugins failed"
    echo "$stamp" > "$cache/lib/.stamp"
fi
for pair in pulumi-language-nodejs:languageHost pulumi-resource-command:commandProvider; do
    name="${pair%%:*}"
    printf '#!/bin/sh\nexec node "$(dirname "$0")/../lib/%s.js" "$@"\n' "${pair##*:}" > "$bin/$name"
    chmod +x "$bin/$name"
done
# Pulumi's own Node.js language host and dynamic-provider shim beside this CLI (nodejs-host/build.sh
# says why they sit in a directory of their own); the e2e drift scenario on a real provider uses them.
bash "$here/nodejs-host/build.sh" "$bin" >/dev/null || fail "building Pulumi's Node.js language host failed (see above)"
echo "$bin"
