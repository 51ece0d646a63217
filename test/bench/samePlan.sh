#!/usr/bin/env bash
# `npm run bench:same-plan [-- REV [MANIFEST]]`: the plan JSON of the example fleet (or of MANIFEST, e.g. a
# generated fleet, test/bench/fleetGen.ts) of this working tree must be byte-identical to the one REV
# (default: main) produces. Both are planned in one process (the
# worker path writes stacks in completion order); the plan file holds no timings. For changes to
# the plan machinery that must not change what is planned (issue 26). Exit 0 identical, 1 different.
set -euo pipefail
cd "$(dirname "$0")/../.."
rev="${1:-main}"
manifest=()
if [ -n "${2:-}" ]; then
    manifest=(--manifest "$(realpath "$2")")
fi
tmp="$(mktemp -d)"
cleanup() {
    git worktree remove --force "$tmp/ref" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
git worktree add --detach "$tmp/ref" "$rev" >/dev/null 2>&1
ln -s "$PWD/node_modules" "$tmp/ref/node_modules"
(cd "$tmp/ref" && npm run -s fleet -- plan "${manifest[@]}" --workers 1 --no-progress --json "$tmp/before.json" >/dev/null)
npm run -s fleet -- plan "${manifest[@]}" --workers 1 --no-progress --json "$tmp/after.json" >/dev/null
if cmp -s "$tmp/before.json" "$tmp/after.json"; then
    echo "identical: the ${2:-example} fleet's plan ($(wc -c <"$tmp/after.json") bytes, sha256 $(sha256sum "$tmp/after.json" | cut -c1-16)) is the same as $rev's"
    exit 0
fi
echo "DIFFERENT from $rev's plan:"
diff -u "$tmp/before.json" "$tmp/after.json" | head -40
exit 1
