#!/usr/bin/env bash
# The README's run command: Node 24 (fetched into .tools/node if the machine has an older one),
# the npm packages, then the product (`npm start`). Arguments go to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
npm ci
exec npm start -- "$@"
