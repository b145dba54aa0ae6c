#!/usr/bin/env bash
# Runs the official MCP conformance suite's client scenarios against this client
# (test/conformance/client.ts). Options are passed to the runner, e.g.
#   npm run conformance -- --requirements 2025-11-25
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash ../shared/tools/conformance/run-client.sh "$@" "node $(pwd)/test/conformance/client.ts"
