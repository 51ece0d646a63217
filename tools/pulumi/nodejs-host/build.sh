#!/usr/bin/env bash
# Builds Pulumi's own Node.js language host (pulumi-language-nodejs from github.com/pulumi/pulumi/sdk/v3
# at the version in go.mod beside this script, through this wrapper module) and lays out a plugin
# directory for the Pulumi CLI whose bin directory is "$1" (what tools/pulumi/build.sh prints):
#   pulumi                        the CLI, hard-linked (or copied) from "$1": 3.248 looks for bundled
#                                 plugins next to its own executable before $PATH;
#   pulumi-language-nodejs        Pulumi's host, runs the program (Run, GetRequiredPlugins, ...);
#   pulumi-resource-pulumi-nodejs Pulumi's dynamic-provider shim, copied from the same module's
#                                 nodejs/dist: it runs @pulumi/pulumi/cmd/dynamic-provider, resolved
#                                 from the engine's working directory (the program's node_modules);
#   pulumi-language-nodejs-policy the project's host (tools/pulumi/plugins/languageHost.ts), for
#                                 policy packs only: v3.68.0's RunPlugin answers "not supported"
#                                 (sdk/v3@v3.68.0 nodejs/cmd/pulumi-language-nodejs/main.go:1004-1008),
#                                 and the engine starts a policy pack through the language host of
#                                 the pack's runtime (sdk/v3@v3.248.0 go/common/resource/plugin/
#                                 analyzer_plugin.go NewPolicyAnalyzer, plugin.go ExecPlugin), so a
#                                 pack that declares `runtime: nodejs-policy` runs on this one.
# Output: ${OSSMON_TOOLS_CACHE:-<repo>/.cache/tools}/pulumi-language-nodejs-<version>/bin, printed.
# Put it first on PATH (and keep PULUMI_IGNORE_AMBIENT_PLUGINS unset).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
fail() { echo "tools/pulumi/nodejs-host/build.sh: $*" >&2; exit 1; }

cli_bin="${1:-}"
[ -n "$cli_bin" ] && [ -x "$cli_bin/pulumi" ] && [ -f "$cli_bin/../lib/languageHost.js" ] \
    || fail "usage: build.sh <bin directory printed by tools/pulumi/build.sh> (it must hold pulumi and ../lib/languageHost.js)"
command -v go >/dev/null 2>&1 || fail "the Go toolchain is not on PATH; install Go 1.25+ (it fetches modules from the Go module proxy)"
module=github.com/pulumi/pulumi/sdk/v3
version="$(sed -n "s|^require $module \(v[0-9.]*\)\$|\1|p; s|^[[:space:]]*$module \(v[0-9.]*\)\$|\1|p" "$here/go.mod" | head -1)"
[ -n "$version" ] || fail "tools/pulumi/nodejs-host/go.mod does not require $module"

bin="${OSSMON_TOOLS_CACHE:-$root/.cache/tools}/pulumi-language-nodejs-${version#v}/bin"
mkdir -p "$bin"
if [ ! -x "$bin/pulumi-language-nodejs" ]; then
    echo "building pulumi-language-nodejs $version from the Go module proxy..." >&2
    start=$(date +%s)
    tmp="$bin/.host.tmp.$$"
    (cd "$here" && nice -n 10 go build -trimpath \
        -ldflags "-s -w -X $module/go/common/version.Version=$version" \
        -o "$tmp" "$module/nodejs/cmd/pulumi-language-nodejs") >&2 \
        || { rm -f "$tmp"; fail "go build of pulumi-language-nodejs failed (see above); the wrapper module is tools/pulumi/nodejs-host/go.mod"; }
    mv "$tmp" "$bin/pulumi-language-nodejs"
    echo "built pulumi-language-nodejs $version in $(( $(date +%s) - start ))s" >&2
fi
moddir="$(cd "$here" && go list -m -f '{{.Dir}}' "$module")"
[ -f "$moddir/nodejs/dist/pulumi-resource-pulumi-nodejs" ] || fail "$module $version has no nodejs/dist/pulumi-resource-pulumi-nodejs"
install -m 0755 "$moddir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
if ! cmp -s "$cli_bin/pulumi" "$bin/pulumi"; then
    rm -f "$bin/pulumi"
    ln "$cli_bin/pulumi" "$bin/pulumi" 2>/dev/null || cp "$cli_bin/pulumi" "$bin/pulumi"
fi
printf '#!/bin/sh\nexec node "%s/languageHost.js" "$@"\n' "$(cd "$cli_bin/../lib" && pwd)" > "$bin/pulumi-language-nodejs-policy"
chmod +x "$bin/pulumi-language-nodejs-policy"
"$bin/pulumi-language-nodejs" -help >/dev/null 2>&1 || [ $? -eq 2 ] || fail "$bin/pulumi-language-nodejs does not run"
echo "$bin"
