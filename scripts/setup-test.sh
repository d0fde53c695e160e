#!/usr/bin/env bash
# Prepares a machine for `npm test`: checks ../shared, starts PostgreSQL, installs Chromium,
# installs the npm packages. The README's test command is `bash scripts/setup-test.sh && npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

log "shared material"
for path in ../shared/models/taef2/taef2_encoder.pth ../shared/images/astronaut.png; do
  [ -f "$path" ] || { echo "missing $path: CI needs ../shared beside the clone" >&2; exit 1; }
done

log "PostgreSQL on 127.0.0.1:5432"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  else
    echo "PostgreSQL is not running at 127.0.0.1:5432 and cannot be started here" >&2
    exit 1
  fi
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

log "Chromium for the browser tests"
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
chromium --version

log "docker-compose, to validate docker-compose.yml (no Docker engine needed)"
if ! command -v docker-compose >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose version --short

log "npm ci"
npm ci
