#!/usr/bin/env bash
# Sets up a fresh Debian machine, builds the `odin` binary (release) and runs `odin dev`:
# embedded bus + simulator + gateway in one process. Extra arguments go to `odin dev`.
# Usage: bash scripts/dev.sh [--addr :3002] [--sim-rate 25] ...
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"  # cache hits across checkouts
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"  # ...also with -g (debug info names the first checkout)
cmake --preset release >/dev/null
cmake --build --preset release --target odin
exec build/release/bin/odin dev "$@"
