#!/usr/bin/env bash
# Prepares a machine for the tests: Node 24 (fetched into .tools/node when the machine has an
# older Node), ../shared, PostgreSQL, Chromium, a Docker engine with docker-compose and debootstrap
# (for the image and Compose tests), photos outside the shared set (scripts/outside-photos.sh), the
# npm packages. The README's test command is
# `bash scripts/setup-test.sh && . scripts/node24.sh && npm run lint && npm run typecheck && npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

log "Node 24"
. scripts/node24.sh
echo "node $(node --version), npm $(npm --version)"
case "$(node --version)" in
  v24.*) ;;
  *) echo "expected Node 24, found $(node --version)" >&2; exit 1 ;;
esac

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
command -v chromium >/dev/null 2>&1 || apt_install chromium
chromium --version

log "Docker engine, docker-compose and debootstrap (test/image.test.ts, test/compose-stack.test.ts)"
# Debian's engine, started as root in the background when it is not running. Where it cannot be
# (not root, no apt), the Docker tests skip with the reason, except on CI (CI=true), where they fail.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then apt_install "${missing[@]}"; else echo "not root: cannot install ${missing[*]}"; fi
fi
if ! docker info >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v dockerd >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup dockerd </dev/null >/var/log/latent-lab-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
if docker info >/dev/null 2>&1; then
  docker version --format 'Docker engine {{.Server.Version}}'
  docker-compose version --short
elif [ "${CI:-}" = true ]; then
  echo "no Docker engine could be started (see /var/log/latent-lab-dockerd.log)" >&2
  exit 1
else
  echo "no Docker engine: the image and Compose tests will skip"
fi

log "photos outside the shared set (the int8 quality gate)"
bash scripts/outside-photos.sh

log "npm ci"
npm ci
