#!/usr/bin/env bash
# Creates the Odin Stream topics on Redpanda with rpk: the migration plan's eight topics
# (per-topic retention, 12 partitions) and Phase 1's market-telemetry (7-day retention), with
# the same settings as `odin topics create` (src/admin/topic_spec.cc). Idempotent: an existing
# topic gets its configs set to the spec with `rpk topic alter-config` (its partitions and
# replication factor are reported, never changed).
#
#   deploy/setup-topics.sh [--replication-factor N] [--partitions N] [--no-telemetry]
#                          [--brokers host:port,...]
#
# Brokers: --brokers, else KAFKA_BROKERS, else localhost:19092. Topic names: KAFKA_TOPIC_TRADES
# ... KAFKA_TOPIC_BALANCES as for `odin`. Exit 0 when every topic exists with the spec's
# configs, 1 otherwise. Needs rpk v23.1 or newer (-X brokers=...).
set -uo pipefail

BROKERS=${KAFKA_BROKERS:-localhost:19092}
RF=1
PARTITIONS=12
TELEMETRY=1

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    -r | --replication-factor) RF=${2:?--replication-factor needs a value}; shift 2 ;;
    -p | --partitions) PARTITIONS=${2:?--partitions needs a value}; shift 2 ;;
    -b | --brokers) BROKERS=${2:?--brokers needs a value}; shift 2 ;;
    --telemetry) TELEMETRY=1; shift ;;
    --no-telemetry) TELEMETRY=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "setup-topics.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$RF" "$PARTITIONS"; do
  if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
    echo "setup-topics.sh: expected a whole number >= 1, got '$n'" >&2
    exit 2
  fi
done
if ! command -v rpk > /dev/null; then
  echo "setup-topics.sh: rpk not found (https://docs.redpanda.com/current/get-started/rpk-install/);" \
    "or use: odin topics create --replication-factor $RF" >&2
  exit 2
fi

# acks=all is only durable past one broker loss with min.insync.replicas=2 (needs RF >= 3).
MIN_INSYNC=1
if [ "$RF" -ge 3 ]; then MIN_INSYNC=2; fi

# topic retention.ms, in the plan's (docs/plan.md) order.
TOPICS=(
  "${KAFKA_TOPIC_TRADES:-odin.trades} 30000"
  "${KAFKA_TOPIC_LIQUIDITY:-odin.liquidity} 60000"
  "${KAFKA_TOPIC_METADATA:-odin.metadata} 3600000"
  "${KAFKA_TOPIC_SOCIAL:-odin.social} 3600000"
  "${KAFKA_TOPIC_COMMUNITY:-odin.community} 300000"
  "${KAFKA_TOPIC_CREATION:-odin.creation} 3600000"
  "${KAFKA_TOPIC_ANALYTICS:-odin.analytics} 300000"
  "${KAFKA_TOPIC_BALANCES:-odin.balances} 30000"
)

FAILED=0

# ensure_topic NAME PARTITIONS RF KEY=VALUE...
ensure_topic() {
  local topic=$1 partitions=$2 rf=$3
  shift 3
  local create_args=() alter_args=() kv out
  for kv in "$@"; do
    create_args+=(-c "$kv")
    alter_args+=(--set "$kv")
  done
  out=$(rpk topic create "$topic" -X "brokers=$BROKERS" -p "$partitions" -r "$rf" \
    "${create_args[@]}" 2>&1)
  local status=$?
  if [ $status -eq 0 ] && ! grep -q "TOPIC_ALREADY_EXISTS" <<< "$out"; then
    echo "created  $topic (partitions $partitions, replicas $rf, $*)"
  elif grep -q "TOPIC_ALREADY_EXISTS" <<< "$out"; then
    if out=$(rpk topic alter-config "$topic" -X "brokers=$BROKERS" "${alter_args[@]}" 2>&1); then
      echo "exists   $topic: configs set to the spec ($*); partitions and replicas unchanged"
    else
      echo "failed   $topic: exists, but alter-config failed: $out"
      FAILED=1
    fi
  else
    echo "failed   $topic: $out"
    FAILED=1
  fi
}

echo "Brokers $BROKERS, replication factor $RF, min.insync.replicas $MIN_INSYNC"
for entry in "${TOPICS[@]}"; do
  read -r topic retention <<< "$entry"
  ensure_topic "$topic" "$PARTITIONS" "$RF" \
    "retention.ms=$retention" segment.ms=10000 cleanup.policy=delete \
    compression.type=snappy max.message.bytes=1048576 "min.insync.replicas=$MIN_INSYNC"
done
if [ "$TELEMETRY" = 1 ]; then
  ensure_topic market-telemetry 12 "$RF" retention.ms=604800000 cleanup.policy=delete
fi

echo
rpk topic list -X "brokers=$BROKERS" || FAILED=1
if [ "$FAILED" != 0 ]; then
  echo "setup-topics.sh: some topics failed (see above)" >&2
fi
exit "$FAILED"
