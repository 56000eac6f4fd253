#!/usr/bin/python3
"""Validates deploy/ without Docker (called by deploy/check.sh, which runs promtool first).

Checks: every YAML/JSON file parses (duplicate YAML keys are errors); docker-compose.yml is
consistent (dependencies, healthchecks, mounts, volumes, ports, odin environment); Prometheus
targets are compose services; alert rules carry severity, for: and annotations; dashboards use
the provisioned data source, unique ids and non-overlapping panels; every PromQL expression in
the dashboards parses (through `promtool check rules`); every metric name used by alerts and
dashboards is one Odin or Redpanda exports; the Dockerfile's runtime packages exist in apt.
Prints one line per failure and exits 1 if there was any.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

DEPLOY = pathlib.Path(__file__).resolve().parent
failures = []


def fail(msg):
    failures.append(msg)
    print(f"  FAIL: {msg}")


def ok(msg):
    print(f"  ok: {msg}")


# Metric names the stack exports. Gateway and publisher: src/metrics (names as in the plan);
# Redpanda: /public_metrics. A typo in a dashboard or rule shows up as an unknown name.
HISTOGRAMS = ["ws_delivery_latency_seconds", "publisher_produce_latency_seconds",
              "redpanda_kafka_request_latency_seconds"]
KNOWN_METRICS = {
    "up", "ALERTS",
    "kafka_messages_received_total", "kafka_messages_dropped_total", "kafka_commit_errors_total",
    "kafka_consumer_lag", "kafka_consumer_paused", "kafka_consumer_pauses_total",
    "bus_records_skipped_total", "ws_active_connections", "ws_connections_total",
    "ws_connections_rejected_total", "ws_broadcasts_total", "ws_messages_sent_total",
    "ws_bytes_sent_total", "ws_slow_client_disconnects_total", "ws_subscriptions",
    "ws_client_errors_total", "ws_outbound_queue_bytes",
    "publisher_messages_published_total", "publisher_messages_failed_total",
    "publisher_http_requests_total",
    "redpanda_kafka_request_bytes_total", "redpanda_kafka_records_produced_total",
    "redpanda_kafka_records_fetched_total", "redpanda_kafka_under_replicated_replicas",
    "redpanda_cluster_topics", "redpanda_cluster_partitions",
    "redpanda_cluster_unavailable_partitions", "redpanda_cpu_busy_seconds_total",
    "redpanda_memory_allocated_memory", "redpanda_storage_disk_free_bytes",
} | {h + s for h in HISTOGRAMS for s in ("_bucket", "_sum", "_count")}

GATEWAY_ENV = ["WS_ADDR", "KAFKA_BROKERS", "KAFKA_GROUP_ID", "WS_MAX_CONNECTIONS",
               "WS_CPU_REJECT_THRESHOLD", "WS_MAX_QUEUE_BYTES", "WS_MAX_MESSAGE_BYTES",
               "WS_MAX_SUBSCRIPTIONS", "LOG_LEVEL", "LOG_FORMAT"]
TOPIC_ENV = ["KAFKA_TOPIC_" + k for k in ("TRADES", "LIQUIDITY", "METADATA", "SOCIAL",
                                          "COMMUNITY", "CREATION", "ANALYTICS", "BALANCES")]
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
                   "unless", "bool", "offset", "inf", "nan"}


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent override in plain YAML)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_all():
    """Parses every YAML and JSON file under deploy/; returns {relative path: data}."""
    docs = {}
    for path in sorted(DEPLOY.rglob("*")):
        rel = str(path.relative_to(DEPLOY))
        try:
            if path.suffix in (".yml", ".yaml"):
                docs[rel] = yaml.load(path.read_text(), Loader=StrictLoader)
            elif path.suffix == ".json":
                docs[rel] = json.loads(path.read_text())
            else:
                continue
            ok(f"{rel} parses")
        except (yaml.YAMLError, json.JSONDecodeError) as e:
            fail(f"{rel}: {e}")
    return docs


def container_ports(service):
    ports = set()
    for p in service.get("ports", []) + service.get("expose", []):
        ports.add(int(str(p).split("/")[0].split(":")[-1]))
    return ports


def check_compose_service(name, svc, services, volumes):
    if "image" not in svc and "build" not in svc:
        fail(f"compose: {name} has neither image nor build")
    deps = svc.get("depends_on", {})
    deps = {d: {"condition": "service_started"} for d in deps} if isinstance(deps, list) else deps
    for dep, spec in deps.items():
        cond = spec.get("condition", "service_started")
        if dep not in services:
            fail(f"compose: {name} depends on unknown service {dep}")
        elif cond == "service_healthy" and "healthcheck" not in services[dep]:
            fail(f"compose: {name} waits for {dep} to be healthy but it has no healthcheck")
        elif cond == "service_completed_successfully" and services[dep].get("restart", "no") != "no":
            fail(f"compose: {name} waits for one-shot {dep}, which restarts")
        elif cond not in ("service_started", "service_healthy", "service_completed_successfully"):
            fail(f"compose: {name} -> {dep}: unknown condition {cond}")
    for mount in svc.get("volumes", []):
        source = mount.split(":")[0]
        if source.startswith("."):
            if not (DEPLOY / source).exists():
                fail(f"compose: {name} mounts missing path {source}")
        elif source not in volumes:
            fail(f"compose: {name} uses undeclared volume {source}")
    build = svc.get("build")
    if build and not (DEPLOY / build["context"] / build["dockerfile"]).is_file():
        fail(f"compose: {name} builds from missing {build['dockerfile']}")


def check_odin_env(services):
    brokers = sorted(f"{n}:9092" for n in services if n.startswith("redpanda-"))
    for name, svc in services.items():
        if "build" not in svc:
            continue
        env = svc.get("environment", {})
        if sorted(env.get("KAFKA_BROKERS", "").split(",")) != brokers:
            fail(f"compose: {name} KAFKA_BROKERS is not {','.join(brokers)}")
        for var in TOPIC_ENV + (GATEWAY_ENV if name == "gateway" else []):
            if var not in env:
                fail(f"compose: {name} lacks {var}")


def check_compose(compose):
    services, volumes = compose.get("services", {}), compose.get("volumes", {})
    for key in compose:
        if key not in ("name", "services", "volumes", "networks") and not key.startswith("x-"):
            fail(f"compose: unknown top-level key {key}")
    host_ports = []
    for name, svc in services.items():
        check_compose_service(name, svc, services, volumes)
        host_ports += [str(p).split(":")[0] for p in svc.get("ports", []) if ":" in str(p)]
    dup = {p for p in host_ports if host_ports.count(p) > 1}
    if dup:
        fail(f"compose: host ports published twice: {sorted(dup)}")
    check_odin_env(services)
    for required in ("redpanda-0", "redpanda-1", "redpanda-2", "console", "topics", "publisher",
                     "gateway", "prometheus", "grafana"):
        if required not in services:
            fail(f"compose: service {required} missing")
    ok(f"compose: {len(services)} services consistent")


def check_prometheus(prom, services):
    for job in prom["scrape_configs"]:
        for sc in job.get("static_configs", []):
            for t in sc["targets"]:
                host, port = t.rsplit(":", 1)
                if host == "localhost":
                    continue
                if host not in services:
                    fail(f"prometheus: job {job['job_name']} scrapes unknown service {host}")
                elif int(port) not in container_ports(services[host]):
                    fail(f"prometheus: {t}: {host} does not publish port {port}")
    ok(f"prometheus: {len(prom['scrape_configs'])} jobs target compose services")


def check_alert_rules(rules_doc):
    exprs = []
    for group in rules_doc["groups"]:
        for rule in group["rules"]:
            name = rule.get("alert", rule.get("record"))
            exprs.append((f"alert {name}", rule["expr"]))
            if "for" not in rule:
                fail(f"alerts: {name} has no for:")
            if rule.get("labels", {}).get("severity") not in ("warning", "critical"):
                fail(f"alerts: {name} severity must be warning or critical")
            if not {"summary", "description"} <= set(rule.get("annotations", {})):
                fail(f"alerts: {name} needs summary and description annotations")
    ok(f"alerts: {len(exprs)} rules have for:, severity and annotations")
    return exprs


def overlaps(a, b):
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and
            a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def check_dashboard(rel, dash, ds_uid):
    exprs, ids, boxes = [], set(), []
    for panel in dash["panels"]:
        title, box = panel.get("title", "?"), panel["gridPos"]
        if panel["id"] in ids:
            fail(f"{rel}: duplicate panel id {panel['id']}")
        ids.add(panel["id"])
        if box["x"] + box["w"] > 24 or any(overlaps(box, other) for other in boxes):
            fail(f"{rel}: panel '{title}' lies outside the grid or overlaps another")
        boxes.append(box)
        if panel["type"] == "row":
            continue
        targets = panel.get("targets", [])
        if not targets or len({t["refId"] for t in targets}) != len(targets):
            fail(f"{rel}: panel '{title}' needs targets with distinct refIds")
        for src in [panel] + targets:
            if src.get("datasource", {}).get("uid") != ds_uid:
                fail(f"{rel}: panel '{title}' does not use data source uid {ds_uid}")
        exprs += [(f"{rel}: {title}", t["expr"]) for t in targets]
    ok(f"{rel}: {len(ids)} panels, {len(exprs)} queries")
    return exprs


def check_grafana(docs, services):
    ds = docs["grafana/provisioning/datasources/prometheus.yml"]["datasources"][0]
    host = re.match(r"https?://([^:/]+):(\d+)", ds["url"])
    if not host or host.group(1) not in services:
        fail(f"grafana: data source url {ds['url']} is not a compose service")
    grafana = services["grafana"]
    mounts = dict(m.split(":")[:2] for m in grafana["volumes"])
    provider = docs["grafana/provisioning/dashboards/dashboards.yml"]["providers"][0]
    if mounts.get("./grafana/dashboards") != provider["options"]["path"]:
        fail("grafana: dashboard provider path is not where ./grafana/dashboards is mounted")
    home = grafana["environment"].get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", "")
    if not (DEPLOY / "grafana/dashboards" / pathlib.Path(home).name).is_file():
        fail(f"grafana: home dashboard {home} is not in grafana/dashboards")
    exprs, uids = [], set()
    for rel, dash in docs.items():
        if rel.startswith("grafana/dashboards/"):
            if dash["uid"] in uids:
                fail(f"{rel}: duplicate dashboard uid {dash['uid']}")
            uids.add(dash["uid"])
            exprs += check_dashboard(rel, dash, ds["uid"])
    return exprs


def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w.$])[A-Za-z_:][A-Za-z0-9_:]*", e):
        if not e[m.end():].lstrip().startswith("(") and m.group(0) not in PROMQL_KEYWORDS:
            names.add(m.group(0))
    return names


def check_promql(exprs):
    """Parses every expression with promtool (as recording rules) and checks metric names."""
    grafana_vars = {"$__rate_interval": "1m", "$__interval": "1m", "$instance": ".*"}
    rules = []
    for i, (where, expr) in enumerate(exprs):
        for var, value in grafana_vars.items():
            expr = expr.replace(var, value)
        if "$" in expr:
            fail(f"{where}: unknown Grafana variable in {expr}")
        rules.append({"record": f"check:expr_{i}", "expr": expr})
        for name in metric_names(expr) - KNOWN_METRICS:
            fail(f"{where}: unknown metric {name}")
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, f)
    result = subprocess.run([shutil.which("promtool") or "promtool", "check", "rules", f.name],
                            capture_output=True, text=True)
    pathlib.Path(f.name).unlink()
    if result.returncode != 0:
        fail(f"promtool rejects a query:\n{result.stdout}{result.stderr}")
    else:
        ok(f"promql: {len(rules)} queries parse and use known metrics")


def check_dockerfile():
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M)
    if len(stages) < 2 or not all(s[0].startswith("debian:") for s in stages):
        fail("Dockerfile: expected a multi-stage build on debian images")
    if 'ENTRYPOINT ["odin"]' not in text or not re.search(r"^USER\s+(?!root)\S+", text, re.M):
        fail('Dockerfile: needs ENTRYPOINT ["odin"] and a non-root USER')
    runtime = text[text.rfind("FROM "):]
    install = re.search(r"--no-install-recommends((?:\s*\\?\s*[a-z0-9.+-]+)+)", runtime)
    packages = install.group(1).replace("\\", " ").split() if install else []
    if not packages:
        fail("Dockerfile: runtime stage installs no packages")
    elif shutil.which("apt-cache"):
        have_lists = any(pathlib.Path("/var/lib/apt/lists").glob("*_Packages*"))
        for pkg in packages:
            r = subprocess.run(["apt-cache", "show", "--no-all-versions", pkg],
                               capture_output=True, text=True)
            if r.returncode == 0 and r.stdout.strip():
                continue
            if have_lists:
                fail(f"Dockerfile: apt does not know runtime package {pkg}")
            else:
                print(f"  note: {pkg} not checked (no apt lists; run apt-get update)")
    ok(f"Dockerfile: {len(stages)} stages, runtime packages {' '.join(packages)}")


def main():
    print("check_configs: parse")
    docs = load_all()
    if failures:
        return 1
    print("check_configs: consistency")
    compose = docs["docker-compose.yml"]
    check_compose(compose)
    check_prometheus(docs["prometheus/prometheus.yml"], compose["services"])
    exprs = check_alert_rules(docs["prometheus/alerts.yml"])
    exprs += check_grafana(docs, compose["services"])
    check_promql(exprs)
    check_dockerfile()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
