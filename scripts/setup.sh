#!/usr/bin/env bash
# Installs everything Odin Stream needs to build and test on Debian bookworm. Idempotent:
# a package already installed is not fetched again. Shared by the README's commands and .ci/run.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  librdkafka-dev libboost1.81-dev libsimdjson-dev nlohmann-json3-dev prometheus-cpp-dev
  libspdlog-dev libfmt-dev libcli11-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm chromium
  prometheus python3-yaml libavro-dev
  zlib1g-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  # a Node.js that brings its own npm (NodeSource's conflicts with Debian's npm) is enough
  [ "$p" = npm ] && command -v npm >/dev/null && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#PACKAGES[@]} packages present"
fi

# The JavaScript client's test packages (playwright-core, ws, typescript), from the committed lockfile.
js_dir="$(cd "$(dirname "$0")/.." && pwd)/clients/js"
if [ ! -f "$js_dir/node_modules/.package-lock.json" ] ||
   [ "$js_dir/package-lock.json" -nt "$js_dir/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci in clients/js"
  (cd "$js_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
