#!/usr/bin/env bash
# Photos outside ../shared/images for the int8 quality gate (packages/engine/test/int8.test.ts,
# `npm run bench`): scikit-image's and matplotlib's sample photos, taken from Debian's packages
# (nothing is installed; the packages are downloaded and only these files extracted) into
# .tools/outside-photos, each checked against its sha256 below. Never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
target=.tools/outside-photos

# package, path inside it, sha256
photos=(
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/brick.png 7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/camera.png b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/coins.png f8d773fc9cfa6f4d8e5942dc34d0a0788fcaed2a4fefbbed0aef5398d7ef4cba"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/grass.png b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/gravel.png c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg 3a19c5dd8a927a9334bb1229a6d63711b1c0c767fb27e2286e7c84a3e2c2f5f4"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/ihc.png f8dd1aa387ddd1f49d8ad13b50921b237df8e9b262606d258770687b0ef93cef"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/moon.png 78739619d11f7eb9c165bb5d2efd4772cee557812ec847532dbb1d92ef71f577"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/motorcycle_left.png db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179"
  "python3-skimage usr/lib/python3/dist-packages/skimage/data/retina.jpg 38a07f36f27f095e818aea7b96d34202c05176d30253c66733f2e00379e9e0e6"
  "python-matplotlib-data usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130"
)

complete() {
  for entry in "${photos[@]}"; do
    read -r _ path sha <<<"$entry"
    file="$target/$(basename "$path")"
    [ -f "$file" ] && [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$sha" ] || return 1
  done
}
if complete; then
  echo "${#photos[@]} photos in $target"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$target"
for package in $(printf '%s\n' "${photos[@]}" | cut -d' ' -f1 | sort -u); do
  download() { (cd "$work" && apt-get download -qq "$package" 2>/dev/null); }
  # A fresh machine may have no package lists yet.
  download || { [ "$(id -u)" -eq 0 ] && apt-get update -qq && download; } ||
    { echo "cannot download Debian's $package (run apt-get update as root)" >&2; exit 1; }
  dpkg-deb -x "$work"/"$package"_*.deb "$work/$package"
done
for entry in "${photos[@]}"; do
  read -r package path sha <<<"$entry"
  file="$target/$(basename "$path")"
  cp "$work/$package/$path" "$file"
  actual=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$actual" = "$sha" ] || { echo "$file: sha256 $actual, expected $sha" >&2; exit 1; }
done
echo "${#photos[@]} photos in $target"
