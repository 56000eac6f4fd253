#!/usr/bin/env bash
# Side-by-side benchmark in one command: installs what it needs (Debian: nats-server, nodejs,
# npm, python3, libbenchmark-dev; npm: bench/peers), builds Odin Stream (release preset),
# then runs every scenario against Odin Stream, NATS-over-WebSocket, uWebSockets.js and Node
# ws in turn on loopback, writing bench/results/<scenario>.md and .json.
#
#   bench/run.sh                 default sizes (about an hour, scenario 4 alone is 4 x 10 min)
#   bench/run.sh --quick         every scenario for a few seconds at small size (~3 minutes)
#   bench/run.sh --scenarios realistic,hot --systems odin,uws --s2-clients 1000
#   bench/run.sh --help          every option (bench/bench.py)
#
# Environment: ODIN_BIN (an `odin` with the loadtest subcommand; default
# build/release/bin/odin), SKIP_BUILD=1, SKIP_INSTALL=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [[ "${SKIP_INSTALL:-0}" != 1 ]]; then
  missing=()
  command -v nats-server >/dev/null || missing+=(nats-server)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  [[ -x /usr/bin/python3 ]] || missing+=(python3)
  dpkg -s libbenchmark-dev >/dev/null 2>&1 || missing+=(libbenchmark-dev)
  if ((${#missing[@]})); then
    echo "bench: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
  if [[ ! -d bench/peers/node_modules/ws || ! -d bench/peers/node_modules/@trufflesuite ]]; then
    echo "bench: npm ci in bench/peers"
    (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "bench: building odin and the micro-benchmarks (release preset)"
  cmake --preset release >/dev/null
  cmake --build --preset release --target odin odin_micro_bench odin_ingest_load odin_mock_kafka
fi

odin=${ODIN_BIN:-$root/build/release/bin/odin}
if ! "$odin" loadtest --help >/dev/null 2>&1; then
  echo "bench: $odin has no 'loadtest' subcommand (set ODIN_BIN)" >&2
  exit 2
fi
exec /usr/bin/python3 bench/bench.py --odin "$odin" "$@"
