#!/bin/bash
# Per-thread CPU, wake-ups and preemptions of `odin dev` under the hot fan-out load, pinned as
# bench.py pins (server on CPU 0, load tester on CPU 1): 100 clients on TRADING for the token
# HOT, the simulator at RATE events/s. Prints bench/thread_cpu.py's table over 5 s of the 10 s
# run, then the load tester's summary. Extra KEY=VALUE arguments go to the server's
# environment (e.g. WS_FLUSH_MODE=fixed).
#
#   bench/hot_threads.sh 53333                        # the hot scenario's 3.2M deliveries/s step
#   ODIN_BIN=/other/odin bench/hot_threads.sh 3333 WS_FLUSH_MODE=fixed
set -euo pipefail
[ $# -ge 1 ] || { sed -n 2,10p "$0"; exit 2; }
rate=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
odin=${ODIN_BIN:-$here/../build/release/bin/odin}
ws_port=${WS_PORT:-3102}
pub_port=${PUB_PORT:-3103}
out=$(mktemp -d)
env -i PATH=/usr/bin:/bin SIM_RATE="$rate" SIM_SEED=7 SIM_TOKENS=HOT \
  WS_ADDR=127.0.0.1:$ws_port PORT=$pub_port WS_CPU_REJECT_THRESHOLD=100 \
  WS_MAX_CONNECTIONS=30000 LOG_LEVEL=warn "$@" \
  taskset -c 0 "$odin" dev --env-file /dev/null >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1.5
taskset -c 1 "$odin" loadtest --server ws://127.0.0.1:$ws_port/ws --protocol odin \
  --report "$out/loadtest.json" --quiet --server-pid $server --target 100 --duration 10 \
  --ramp-rate 4000 --bundle TRADING --tokens HOT --setup-timeout 60 >"$out/loadtest.txt" &
tester=$!
sleep 3
/usr/bin/python3 "$here/thread_cpu.py" $server --seconds 5
wait $tester
grep -E "events/s|latency p|server CPU|client CPU" "$out/loadtest.txt"
echo "logs and report: $out"
