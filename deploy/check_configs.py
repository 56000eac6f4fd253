#!/usr/bin/python3
"""Validates deploy/ without Docker (called by deploy/check.sh, which runs promtool first).

Checks: every YAML/JSON file parses (duplicate YAML keys are errors); docker-compose.yml is
consistent (dependencies, healthchecks, mounts, volumes, ports, odin environment); Prometheus
targets are compose services; alert rules carry severity, for: and annotations; dashboards use
the provisioned data source, unique ids and non-overlapping panels; every PromQL expression in
the dashboards parses (through `promtool check rules`); every ${VAR} of docker-compose.yml is
set in each deploy/env/*.env.example that drives it, and nothing else is; the Makefile's task
shortcuts expand (make -n); the Dockerfile's runtime packages exist in apt. Prints one line per
failure and exits 1 if there was any.

Which metric names the dashboards and alert rules may use is not listed here: the ctest
`deploy_prometheus_test` (tests/deploy/) runs a real Prometheus against a running `odin dev`,
`odin publisher` and a Redpanda metrics exposition, and queries every expression.
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


GATEWAY_ENV = ["WS_ADDR", "KAFKA_BROKERS", "KAFKA_GROUP_ID", "WS_MAX_CONNECTIONS",
               "WS_CPU_REJECT_THRESHOLD", "WS_MAX_QUEUE_BYTES", "WS_MAX_MESSAGE_BYTES",
               "WS_MAX_SUBSCRIPTIONS", "LOG_LEVEL", "LOG_FORMAT"]
TOPIC_ENV = ["KAFKA_TOPIC_" + k for k in ("TRADES", "LIQUIDITY", "METADATA", "SOCIAL",
                                          "COMMUNITY", "CREATION", "ANALYTICS", "BALANCES")]
# The compose-stack env files (make -C deploy up ENV=...); gateway.production.env.example is
# for `odin gateway --env-file` on its own host and is checked against odin's settings instead.
COMPOSE_ENV_FILES = ["env/dev.env.example", "env/production.env.example"]
MAKE_TARGETS = ["up", "down", "topics", "stats", "console", "verify"]


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
    for required in ("redpanda-0", "redpanda-1", "redpanda-2", "console", "cluster-config",
                     "topics", "schemas", "publisher", "gateway", "prometheus", "grafana"):
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


def check_promql(exprs):
    """Parses every expression with promtool (as recording rules)."""
    grafana_vars = {"$__rate_interval": "1m", "$__interval": "1m", "$instance": ".*"}
    rules = []
    for i, (where, expr) in enumerate(exprs):
        for var, value in grafana_vars.items():
            expr = expr.replace(var, value)
        if "$" in expr:
            fail(f"{where}: unknown Grafana variable in {expr}")
        rules.append({"record": f"check:expr_{i}", "expr": expr})
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, f)
    result = subprocess.run([shutil.which("promtool") or "promtool", "check", "rules", f.name],
                            capture_output=True, text=True)
    pathlib.Path(f.name).unlink()
    if result.returncode != 0:
        fail(f"promtool rejects a query:\n{result.stdout}{result.stderr}")
    else:
        ok(f"promql: {len(rules)} queries parse (metric names: tests/deploy, real Prometheus)")


def parse_env_file(path):
    values = {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if not m:
            fail(f"{path.name}:{n}: not NAME=value: {line}")
        elif m.group(1) in values:
            fail(f"{path.name}:{n}: {m.group(1)} set twice")
        else:
            values[m.group(1)] = m.group(2)
    return values


def check_env_files():
    """Every ${VAR} of the compose file is in each compose env example, and nothing else."""
    text = "\n".join(line for line in (DEPLOY / "docker-compose.yml").read_text().splitlines()
                     if not line.lstrip().startswith("#"))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    for rel in COMPOSE_ENV_FILES:
        values = parse_env_file(DEPLOY / rel)
        for var in sorted(used - set(values)):
            fail(f"{rel}: lacks {var} (used by docker-compose.yml)")
        for var in sorted(set(values) - used):
            fail(f"{rel}: sets {var}, which docker-compose.yml does not use")
    gateway = parse_env_file(DEPLOY / "env/gateway.production.env.example")
    if "KAFKA_BROKERS" not in gateway:
        fail("env/gateway.production.env.example: lacks KAFKA_BROKERS")
    ok(f"env: {len(used)} compose variables set in {', '.join(COMPOSE_ENV_FILES)}")


def check_makefile():
    if not shutil.which("make"):
        print("  note: make not installed; Makefile not expanded")
        return
    for target in MAKE_TARGETS:
        r = subprocess.run(["make", "-s", "-n", "-C", str(DEPLOY), target],
                           capture_output=True, text=True)
        if r.returncode != 0 or not r.stdout.strip():
            fail(f"Makefile: `make -n {target}` fails: {r.stderr.strip()}")
    ok(f"Makefile: {', '.join(MAKE_TARGETS)} expand")


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
    check_env_files()
    check_makefile()
    check_dockerfile()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
