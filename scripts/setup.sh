#!/usr/bin/env bash
# Installs everything Odin Stream needs to build and test on Debian bookworm. Idempotent:
# a package already installed is not fetched again. Shared by the README's commands and .ci/run.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  librdkafka-dev libboost1.81-dev libsimdjson-dev nlohmann-json3-dev prometheus-cpp-dev
  libspdlog-dev libfmt-dev libcli11-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libavro-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
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
