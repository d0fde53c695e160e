#!/usr/bin/env bash
# The README's test command after scripts/setup-test.sh: `npm test` on Node 24 (the one
# setup-test.sh put in .tools/node on a machine with an older Node). Arguments are path filters.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
exec npm test -- "$@"
