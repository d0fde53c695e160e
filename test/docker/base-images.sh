#!/usr/bin/env bash
# Makes the base images the Docker tests need when the engine does not have them yet; no container
# registry is reachable here, so they are built from Debian's mirror and the npm registry:
#   latent-lab-test/node:24    Debian bookworm (debootstrap minbase), Node 24 and npm 11 from the npm
#                              registry, a `node` user (uid 1000); plus this machine's trusted CA
#                              certificates (outbound TLS may be intercepted), which is why it is a
#                              test image and the project's Dockerfile takes it as NODE_IMAGE.
#   latent-lab-test/postgres:15  the same Debian with postgresql-15 and an entrypoint that honours
#                              POSTGRES_USER/PASSWORD/DB like the official image (compose tests).
# Usage: test/docker/base-images.sh node|postgres ...   (root; prints each image's name)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
NODE_IMAGE=latent-lab-test/node:24
POSTGRES_IMAGE=latent-lab-test/postgres:15
NODE_MAJOR=24
NPM_MAJOR=11

# The mirror apt already uses (deb822 or one-line sources), else Debian's own.
mirror() {
  local uri
  uri="$(grep -hoE '^(URIs:|deb) +http[^ ]*/debian/?( |$)' /etc/apt/sources.list.d/* /etc/apt/sources.list 2>/dev/null |
    grep -oE 'http[^ ]*' | head -n1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

# debootstrap minbase bookworm (plus packages) into a new folder; prints the folder.
rootfs() {
  local dir
  dir="$(mktemp -d /var/tmp/latent-lab-rootfs.XXXXXX)"
  debootstrap --variant=minbase ${1:+--include="$1"} bookworm "$dir" "$(mirror)" >&2
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  echo "$dir"
}

add_node_user() {
  echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$1/etc/passwd"
  echo 'node:x:1000:' >>"$1/etc/group"
  echo 'node:!:20000::::::' >>"$1/etc/shadow"
  mkdir -p "$1/home/node" && chown 1000:1000 "$1/home/node"
}

build_node() {
  local dir work arch
  dir="$(rootfs "")"
  work="$(mktemp -d)"
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "unsupported $(uname -m)" >&2; exit 1 ;; esac
  (cd "$work" && npm pack --silent "node-linux-$arch@$NODE_MAJOR" "npm@$NPM_MAJOR" >/dev/null)
  tar -xzf "$work"/node-linux-*.tgz -C "$dir/usr/local" --strip-components=1 package/bin/node
  mkdir -p "$dir/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/npm-*.tgz -C "$dir/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  add_node_user "$dir"
  # This machine's trust store, for npm inside `docker build` behind an intercepting proxy.
  mkdir -p "$dir/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/latent-lab-host-ca.crt"
  tar --numeric-owner -C "$dir" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/latent-lab-host-ca.crt' \
    --change 'CMD ["node"]' - "$NODE_IMAGE" >/dev/null
  rm -rf "$dir" "$work"
}

build_postgres() {
  local dir
  dir="$(rootfs postgresql-15)"
  add_node_user "$dir"
  # Debian's package made a cluster under /var/lib/postgresql/15/main; the entrypoint makes its own.
  rm -rf "$dir/var/lib/postgresql/15" "$dir/etc/postgresql/15"
  install -m 0755 "$HERE/postgres-entrypoint.sh" "$dir/usr/local/bin/docker-entrypoint.sh"
  tar --numeric-owner -C "$dir" -c . | docker import \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change 'CMD ["postgres"]' \
    --change 'EXPOSE 5432' - "$POSTGRES_IMAGE" >/dev/null
  rm -rf "$dir"
}

for which in "$@"; do
  case "$which" in
    node) image="$NODE_IMAGE" ;;
    postgres) image="$POSTGRES_IMAGE" ;;
    *) echo "unknown base image $which" >&2; exit 2 ;;
  esac
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    echo "building $image" >&2
    "build_$which"
  fi
  echo "$image"
done
