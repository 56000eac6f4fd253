#!/usr/bin/env bash
# Validates everything under deploy/ without Docker; exits non-zero on the first failing step.
#   - promtool (Debian package `prometheus`): Prometheus config, alert rules, rule unit tests
#   - deploy/check_configs.py (Debian python3-yaml): YAML/JSON syntax, compose consistency,
#     dashboards (data source, layout, every PromQL query parsed by promtool), env examples vs
#     the compose file's ${VARS}, the Makefile's shortcuts (make -n), Dockerfile runtime
#     packages known to apt. Metric names: ctest deploy_prometheus_test (a real Prometheus).
#   - shellcheck on this script, when installed
# Installs prometheus and python3-yaml with apt-get when missing (idempotent). On a systemd
# host the prometheus package would start a server on :9090, which collides with the compose
# stack: when this script installed it, it disables that service (only promtool is wanted).
# Usage: bash deploy/check.sh
set -euo pipefail
cd "$(dirname "$0")"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

ensure_packages() {
  local missing=() p
  for p in prometheus python3-yaml; do installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "check: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "check: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [[ " ${missing[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
}

step() { echo "== $*"; }

ensure_packages

step "promtool check config prometheus/prometheus.yml"
promtool check config prometheus/prometheus.yml

step "promtool check rules prometheus/alerts.yml"
promtool check rules prometheus/alerts.yml

step "promtool test rules prometheus/alerts_test.yml"
(cd prometheus && promtool test rules alerts_test.yml)

step "check_configs.py"
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 check_configs.py

if command -v shellcheck >/dev/null; then
  step "shellcheck check.sh"
  shellcheck check.sh
fi

echo "check: deploy/ is valid"
