#!/usr/bin/env bash
# What reviewers check, on Node 24: generates the Prisma client and the dashboard's GraphQL types,
# then ESLint, the layer rules (dependency-cruiser) and the type check (npm run check).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
exec npm run check
