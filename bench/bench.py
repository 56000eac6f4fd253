#!/usr/bin/python3
"""Side-by-side benchmark of Odin Stream, NATS (WebSocket), uWebSockets.js and Node ws.

Run through bench/run.sh (which installs and builds first). Every system runs in turn on
loopback with the same load from `odin loadtest`; each scenario writes
bench/results/<scenario>.md and .json (one row per system, ratio to Odin Stream).
Only the Python standard library is used.

CPU placement (default): the system under test on --server-cpus (CPU 0 on 2 cores), the load
tester and this script on --tester-cpus (the other CPUs), for every system alike; --no-pin
leaves both to the scheduler. A system's event source (Odin's simulator, the peers' generator,
NATS's publisher process) belongs to the system under test: server CPUs, counted in its CPU.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers"
TRADING_SHARE = 0.6  # trade 30 % + analytics 20 % + liquidity 10 % of the simulator's mix
BALANCES_SHARE = 0.1  # BALANCE_UPDATED, 2 of the mix's 20 (src/sim/README.md)
# The HS256 key of the authenticated runs: odin dev's WS_JWT_SECRET and the load tester's
# --jwt-secret (each client mints its own token). Fresh per bench.py run, never stored.
JWT_SECRET = secrets.token_urlsafe(32)

SYSTEMS = {
    "odin": {"label": "Odin Stream (odin dev)", "port": 3002, "protocol": "odin", "path": "/ws"},
    "nats": {"label": "NATS server (WebSocket)", "port": 8080, "protocol": "nats", "path": "/"},
    "uws": {"label": "uWebSockets.js", "port": 3010, "protocol": "simple", "path": "/"},
    "ws": {"label": "Node ws", "port": 3011, "protocol": "simple", "path": "/"},
}
# Rows that are not systems of their own: Odin Stream run another way.
ROW_LABELS = {"odin+auth": "Odin Stream, every client authenticated (JWT)"}


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ---------------------------------------------------------------- CPU placement

def parse_cpus(text):
    """'0', '1-3', '0,2' → sorted list of CPU numbers."""
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return sorted(cpus)


def default_cpu_sets():
    """Server on CPU 0, tester on the others (on one CPU: both on it)."""
    usable = sorted(os.sched_getaffinity(0))
    return usable[:1], (usable[1:] or usable[:1])


def placement(args, role):
    """A preexec_fn for a child of `role` ('server' or 'tester'): its CPU set and file limit."""
    cpus = None if args.no_pin else (args.server_cpus if role == "server" else args.tester_cpus)

    def setup():
        raise_nofile()
        if cpus:
            os.sched_setaffinity(0, cpus)
    return setup


def pinning_record(args):
    """What each result records about placement."""
    if args.no_pin:
        return {"pinned": False, "server_cpus": None, "tester_cpus": None}
    return {"pinned": True, "server_cpus": args.server_cpus, "tester_cpus": args.tester_cpus}


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_port(port, proc, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        if port_open(port):
            return True
        time.sleep(0.1)
    return False


class Server:
    """One system under test: its processes (started here, stopped here, by pid)."""

    def __init__(self, name, args, rate, tokens=None, pool=0, logdir=None, odin_env=None):
        self.name, self.args, self.procs = name, args, []
        self.logdir = logdir
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SIM_RATE": str(rate), "SIM_SEED": "7"}
        if pool:
            env["SIM_TOKEN_POOL"] = str(pool)
        else:
            env["SIM_TOKENS"] = ",".join(tokens)
        self.env = env
        self.odin_env = odin_env or {}  # settings of this run only (odin), e.g. WS_JWT_SECRET

    def _spawn(self, cmd, env, tag, role="server"):
        out = open(self.logdir / f"{self.name}-{tag}.log", "ab")
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                             preexec_fn=placement(self.args, role), cwd=str(PEERS))
        self.procs.append(p)
        return p

    def start(self):
        port = SYSTEMS[self.name]["port"]
        if port_open(port):
            raise RuntimeError(f"port {port} is already in use: stop what listens there first")
        env = dict(self.env)
        if self.name == "odin":
            env.update({"WS_ADDR": f"127.0.0.1:{port}", "WS_CPU_REJECT_THRESHOLD": "100",
                        "WS_MAX_CONNECTIONS": "30000", "LOG_LEVEL": "warn", "LOG_FORMAT": "text"})
            if self.args.odin_io_threads:
                env["WS_IO_THREADS"] = str(self.args.odin_io_threads)
            for item in self.args.odin_env:
                key, _, value = item.partition("=")
                env[key] = value
            env.update(self.odin_env)
            self.server = self._spawn([self.args.odin, "dev", "--env-file", "/dev/null"], env, "server")
            self.measured = [self.server.pid]
        elif self.name == "nats":
            self.server = self._spawn(["nats-server", "-c", str(PEERS / "nats.conf")], env, "server")
            if not wait_port(4222, self.server):
                raise RuntimeError("nats-server did not start (see its log)")
            env["NATS_URL"] = "nats://127.0.0.1:4222"
            # The event source is part of the system under test, as Odin's simulator is.
            self.publisher = self._spawn(["node", "nats_publisher.js"], env, "publisher")
            self.measured = [self.server.pid, self.publisher.pid]
        else:
            env["PORT"] = str(port)
            script = "uws_server.js" if self.name == "uws" else "ws_server.js"
            self.server = self._spawn(["node", script], env, "server")
            self.measured = [self.server.pid]
        if not wait_port(port, self.server):
            self.stop()
            raise RuntimeError(f"{self.name} did not start listening on {port} (see bench/results/raw)")
        time.sleep(0.5)

    def cpu(self, proc):
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.time() + 10
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        self.procs = []


def run_loadtest(args, system, server, lt, tag):
    """Runs `odin loadtest` against a started server; returns its JSON report (dict)."""
    s = SYSTEMS[system]
    report = args.raw / f"{tag}-{system}.json"
    cmd = [args.odin, "loadtest", "--server", f"ws://127.0.0.1:{s['port']}{s['path']}",
           "--protocol", s["protocol"], "--report", str(report), "--quiet"]
    for pid in server.measured:
        cmd += ["--server-pid", str(pid)]
    if args.compression:
        cmd.append("--compression")  # offer permessage-deflate; servers may decline it
    for k, v in lt.items():
        cmd += [f"--{k}", str(v)]
    log(f"{system}: {' '.join(cmd[1:])}".replace(JWT_SECRET, "(secret)"))
    budget = float(lt.get("duration", 10)) + int(lt.get("target", 1)) / float(lt.get("ramp-rate", 1000)) + 120
    pub_before = server.cpu(server.publisher) if system == "nats" else 0.0
    with open(args.raw / f"{tag}-{system}.out", "w") as out:
        try:
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=budget,
                                preexec_fn=placement(args, "tester")).returncode
        except subprocess.TimeoutExpired:
            rc = -1
    if rc not in (0, 1) or not report.exists():
        log(f"{system}: load tester failed (exit {rc}), see {args.raw / (tag + '-' + system + '.out')}")
        return None
    r = json.loads(report.read_text())
    if system == "nats":
        r["publisher_cpu_seconds_whole_run"] = server.cpu(server.publisher) - pub_before
    return r


def summarize(r, connections_wanted=None):
    e, l, c, u = r["events"], r["latency_us"], r["connections"], r["server_usage"]
    per_s = e["per_second"]
    cpu = u["cpu_seconds"]
    window = r["window_seconds"]
    row = {
        "connections": c["subscribed"],
        "failed": c["failed"],
        "closed_by_server": sum(c["closed_by_server"].values()),
        "events": e["received"],
        "deliveries_per_s": round(per_s),
        "p50_ms": l["p50"] / 1000, "p90_ms": l["p90"] / 1000, "p99_ms": l["p99"] / 1000,
        "p999_ms": l["p999"] / 1000, "max_ms": l["max"] / 1000,
        "loss": e["loss"], "duplicates": e["duplicates"], "out_of_order": e["out_of_order"],
        "server_cpu_s": round(cpu, 3),
        "server_cpu_pct": round(100 * cpu / window, 1) if window else 0,
        "cpu_s_per_million": round(cpu / (e["received"] / 1e6), 3) if e["received"] else None,
        "server_rss_mb": round(u["rss_end_kb"] / 1024, 1),
        "rss_per_conn_bytes": round(u.get("rss_per_connection_bytes", 0)),
        "client_cpu_s": round(r["client"]["cpu_seconds"], 2),
    }
    if r.get("odin_events_per_write") is not None:
        row["events_per_write"] = r["odin_events_per_write"]
    if e.get("wire_bytes") and e.get("received_all"):  # bytes read per event frame, any phase
        row["wire_bytes_per_event"] = round(e["wire_bytes"] / e["received_all"], 1)
        row["inflated"] = e.get("inflated", 0)
    if "publisher_cpu_seconds_whole_run" in r:
        row["publisher_cpu_s"] = round(r["publisher_cpu_seconds_whole_run"], 2)
    return row


def odin_counters(port):
    """Odin's write counters from /metrics (events written, sendmsg calls), or None."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as page:
            text = page.read().decode()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in ("ws_events_sent_total", "ws_write_calls_total", "ws_deferred_writes_total"):
            values[name] = float(value)
    return values if len(values) == 3 else None


def one_run(args, system, rate, lt, tag, tokens=None, pool=0, odin_env=None):
    server = Server(system, args, rate, tokens=tokens, pool=pool, logdir=args.raw, odin_env=odin_env)
    try:
        server.start()
        before = odin_counters(SYSTEMS[system]["port"]) if system == "odin" else None
        r = run_loadtest(args, system, server, lt, tag)
        after = odin_counters(SYSTEMS[system]["port"]) if before else None
        if r is not None and after:
            writes = after["ws_write_calls_total"] - before["ws_write_calls_total"]
            events = after["ws_events_sent_total"] - before["ws_events_sent_total"]
            r["odin_events_per_write"] = round(events / writes, 2) if writes else None
    finally:
        server.stop()
    time.sleep(args.pause)
    return r


# ---------------------------------------------------------------- scenarios

def pool_runs(args, p, tag, auth=False):
    """Every system with clients on TRADING for K of a token pool (scenarios 1 and 4), and with
    `auth` Odin once more with every client authenticated (row odin+auth).
    Returns the rows and the expected deliveries/s."""
    lt = {"target": p["clients"], "duration": p["duration"], "ramp-rate": p["ramp"],
          "bundle": "TRADING", "token-pool": p["tokens"], "tokens-per-client": p["k"],
          "setup-timeout": 60}
    rows = {}
    for system in args.systems:
        r = one_run(args, system, p["rate"], lt, tag, pool=p["tokens"])
        rows[system] = summarize(r) if r else None
    if auth:
        # The same load, every client with its own token (public channels only: no cost is
        # expected once the upgrade is done; this row shows whether there is one).
        r = one_run(args, "odin", p["rate"], dict(lt, **{"jwt-secret": JWT_SECRET}), f"{tag}-auth",
                    pool=p["tokens"], odin_env={"WS_JWT_SECRET": JWT_SECRET})
        rows["odin+auth"] = summarize(r) if r else None
    return rows, p["clients"] * p["rate"] * TRADING_SHARE * p["k"] / p["tokens"]


def auth_lines(rows):
    """Authenticated vs anonymous Odin, when both rows are there."""
    a, b = rows.get("odin"), rows.get("odin+auth")
    if not a or not b:
        return []
    ratio = lambda k: (f"×{b[k] / a[k]:.2f}" if isinstance(a.get(k), (int, float)) and a.get(k)
                       and isinstance(b.get(k), (int, float)) else "—")
    return ["", f"odin+auth vs odin (same load, every client authenticated with an HS256 token "
            f"minted by the load tester): CPU s per million deliveries {ratio('cpu_s_per_million')}, "
            f"p50 {ratio('p50_ms')}, p99 {ratio('p99_ms')}, server RSS {ratio('server_rss_mb')}."]


def scenario_realistic(args):
    """1. Realistic latency: pool of tokens, input rate, clients on TRADING for K random tokens."""
    p = args.s1
    rows, expected = pool_runs(args, p, "realistic", auth=args.auth)
    auth = (" Row odin+auth (--auth): the same Odin run with `WS_JWT_SECRET` set and every client "
            "sending its own minted token (`--jwt-secret`) on the upgrade." if args.auth else "")
    return {"title": "Scenario 1 — realistic latency",
            "setup": (f"{p['tokens']} tokens, {p['rate']} events/s in, {p['clients']} clients each "
                      f"on TRADING for {p['k']} random tokens (≈{expected:,.0f} deliveries/s "
                      f"expected), {p['duration']} s window.{auth}"),
            "extra_lines": auth_lines(rows),
            "columns": ["connections", "deliveries_per_s", "p50_ms", "p90_ms", "p99_ms", "p999_ms",
                        "max_ms", "loss", "duplicates", "server_cpu_pct", "cpu_s_per_million",
                        "server_rss_mb"],
            "rows": rows}


def sustained(row, expected):
    return (row is not None and row["loss"] == 0 and row["duplicates"] == 0
            and row["closed_by_server"] == 0 and row["failed"] == 0
            and row["p99_ms"] <= 100 and row["deliveries_per_s"] >= 0.9 * expected)


def scenario_hot(args):
    """2. Hot fan-out: every client on TRADING for one token; raise the rate until it breaks."""
    p = args.s2
    out_rows, steps = {}, []
    for clients in p["clients"]:
        for system in args.systems:
            best, first = None, None
            rate = max(1.0, p["start_deliveries"] / (clients * TRADING_SHARE))
            for step in range(p["steps"]):
                expected = clients * rate * TRADING_SHARE
                lt = {"target": clients, "duration": p["duration"], "ramp-rate": p["ramp"],
                      "bundle": "TRADING", "tokens": "HOT", "setup-timeout": 60}
                r = one_run(args, system, round(rate, 2), lt, f"hot-{clients}-{step}", tokens=["HOT"])
                row = summarize(r) if r else None
                ok = sustained(row, expected)
                steps.append({"clients": clients, "system": system, "rate": rate,
                              "expected_deliveries_per_s": expected, "sustained": ok, "row": row})
                log(f"hot {system} {clients} clients, {rate:.0f} ev/s in: "
                    f"{'ok' if ok else 'NOT sustained'} {row and row['deliveries_per_s']}/s p99 "
                    f"{row and row['p99_ms']} ms cpu/M {row and row['cpu_s_per_million']}")
                if first is None:
                    first = row
                if not ok:
                    break
                best = dict(row, input_rate=round(rate, 1))
                rate *= p["factor"]
            key = f"{system} @ {clients} clients"
            out_rows[key] = {
                "system": system, "clients": clients,
                "max_sustained_deliveries_per_s": best["deliveries_per_s"] if best else 0,
                "cpu_s_per_million_at_max": best["cpu_s_per_million"] if best else None,
                "p50_ms_at_max": best["p50_ms"] if best else None,
                "p99_ms_at_max": best["p99_ms"] if best else None,
                "p999_ms_at_max": best["p999_ms"] if best else None,
                "cpu_s_per_million_first_step": first["cpu_s_per_million"] if first else None,
                "p99_ms_first_step": first["p99_ms"] if first else None,
            }
    return {"title": "Scenario 2 — hot fan-out",
            "setup": (f"every client on TRADING for the one token HOT; the input rate starts at "
                      f"{p['start_deliveries']:,} deliveries/s and grows ×{p['factor']} per step "
                      f"({p['duration']} s each, at most {p['steps']}) until loss, a server close, "
                      f"p99 > 100 ms or < 90 % of the expected deliveries"),
            "columns": ["max_sustained_deliveries_per_s", "cpu_s_per_million_at_max", "p50_ms_at_max",
                        "p99_ms_at_max", "p999_ms_at_max", "cpu_s_per_million_first_step",
                        "p99_ms_first_step"],
            "rows": out_rows, "steps": steps, "ratio_key": "system",
            "extra_lines": step_table(steps)}


def step_table(steps):
    """Every step of the hot scenario: rate, latency percentiles, CPU per delivery."""
    lines = ["", "## Every step", "",
             "| clients | system | input ev/s | expected deliveries/s | deliveries/s | p50 ms | p90 ms "
             "| p99 ms | p99.9 ms | max ms | CPU s per M | loss | sustained |",
             "|---" * 13 + "|"]
    for st in steps:
        r = st["row"] or {}
        cells = [st["clients"], st["system"], round(st["rate"], 1), round(st["expected_deliveries_per_s"]),
                 r.get("deliveries_per_s"), r.get("p50_ms"), r.get("p90_ms"), r.get("p99_ms"),
                 r.get("p999_ms"), r.get("max_ms"), r.get("cpu_s_per_million"), r.get("loss"),
                 "yes" if st["sustained"] else "no"]
        lines.append("| " + " | ".join(fmt(c) for c in cells) + " |")
    return lines


def scenario_capacity(args):
    """3. Capacity: as many idle subscribed connections as one process may hold; one channel."""
    p = args.s3
    workers = max(1, -(-p["connections"] // 9000))
    lt = {"target": p["connections"], "duration": p["duration"], "ramp-rate": p["ramp"],
          "subscription-mode": "channels", "channels": "HOT.trade", "tokens": "HOT",
          "workers": workers, "source-ips": "127.0.0.2-127.0.0.60", "setup-timeout": 90}
    rows = {}
    for system in args.systems:
        r = one_run(args, system, p["rate"], lt, "capacity", tokens=["HOT"])
        if r:
            row = summarize(r)
            row["fanout_last_client_ms"] = row["max_ms"]
            rows[system] = row
        else:
            rows[system] = None
    return {"title": "Scenario 3 — capacity",
            "setup": (f"{p['connections']} idle connections on HOT.trade ({workers} load-tester "
                      f"processes), {p['rate']} events/s in (≈{p['rate'] * 0.3:.1f}/s on HOT.trade), "
                      f"{p['duration']} s window; fan-out time = latency of the last client (max)"),
            "columns": ["connections", "failed", "rss_per_conn_bytes", "server_rss_mb", "p50_ms",
                        "p99_ms", "fanout_last_client_ms", "loss", "server_cpu_pct",
                        "cpu_s_per_million"],
            "rows": rows}


def scenario_plan(args):
    """4. The plan's (docs/plan.md) success criteria: 12k connections, ~29k deliveries/s, for 10 minutes."""
    p = args.s4
    rows, expected = pool_runs(args, p, "plan")
    return {"title": "Scenario 4 — the plan's success criteria",
            "setup": (f"{p['clients']} connections, {p['tokens']} tokens, {p['rate']} events/s in, "
                      f"TRADING × {p['k']} tokens each (≈{expected:,.0f} deliveries/s; the plan asks "
                      f"29,000+ msg/s, 0 % loss, < 30 % CPU), {p['duration']} s window"),
            "columns": ["connections", "deliveries_per_s", "p50_ms", "p99_ms", "max_ms", "loss",
                        "server_cpu_pct", "cpu_s_per_million", "server_rss_mb", "rss_per_conn_bytes"],
            "rows": rows}


# ---------------------------------------------------------------- ingest (publisher throughput)

INGEST_PORT = 3013
KAFKA_TOPICS = ["odin.trades", "odin.liquidity", "odin.metadata", "odin.social", "odin.community",
                "odin.creation", "odin.analytics", "odin.balances"]


class IngestTarget:
    """The publisher under test: `odin dev` (embedded bus) or `odin publisher` on the librdkafka
    mock cluster (`odin_mock_kafka`, its own process, placed with the tester: the brokers stand
    for other machines; their CPU is reported, not counted as the publisher's)."""

    def __init__(self, args, bus):
        self.args, self.bus, self.procs, self.broker = args, bus, [], None

    def _spawn(self, cmd, env, tag, role, stdin=None):
        out = open(self.args.raw / f"ingest-{self.bus}-{tag}.log", "ab")
        p = subprocess.Popen(cmd, env=env, stdout=out if tag != "broker" else subprocess.PIPE,
                             stderr=out, stdin=stdin, preexec_fn=placement(self.args, role))
        self.procs.append(p)
        return p

    def start(self):
        if port_open(INGEST_PORT):
            raise RuntimeError(f"port {INGEST_PORT} is already in use: stop what listens there first")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORT": str(INGEST_PORT),
               "PUBLISHER_HOST": "127.0.0.1", "LOG_LEVEL": "warn", "LOG_FORMAT": "text"}
        for item in self.args.odin_env:
            key, _, value = item.partition("=")
            env[key] = value
        if self.bus == "embedded":
            # No client and a negligible simulator: the process is the publisher + its bus.
            env.update({"WS_ADDR": "127.0.0.1:0", "SIM_RATE": "0.1"})
            self.server = self._spawn([self.args.odin, "dev", "--env-file", "/dev/null"], env,
                                      "server", "server")
        else:
            self.broker = self._spawn([self.args.mock_kafka, "3"] + [f"{t}:12" for t in KAFKA_TOPICS],
                                      env, "broker", "tester", stdin=subprocess.PIPE)
            bootstrap = self.broker.stdout.readline().decode().strip()
            if not bootstrap:
                raise RuntimeError("odin_mock_kafka printed no bootstrap list")
            env["KAFKA_BROKERS"] = bootstrap
            self.server = self._spawn([self.args.odin, "publisher", "--env-file", "/dev/null"], env,
                                      "server", "server")
        if not wait_port(INGEST_PORT, self.server):
            self.stop()
            raise RuntimeError(f"the {self.bus} publisher did not listen on {INGEST_PORT} (see raw/)")
        time.sleep(0.5)

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        self.procs = []


def ingest_run(args, target, batch):
    """One `odin_ingest_load` window against a started target; its JSON report, or None."""
    p = args.ingest
    cmd = [args.ingest_load, "--port", str(INGEST_PORT), "--batch", str(batch),
           "--connections", str(p["connections"]), "--duration", str(p["duration"]),
           "--warmup", str(p["warmup"]), "--server-pid", str(target.server.pid)]
    log(f"ingest {target.bus}: {' '.join(cmd[1:])}")
    broker_before = Server.cpu(None, target.broker) if target.broker else 0.0
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=p["duration"] + p["warmup"] + 60,
                              preexec_fn=placement(args, "tester"))
    except subprocess.TimeoutExpired:
        log(f"ingest {target.bus} batch {batch}: the load tool did not finish")
        return None
    (args.raw / f"ingest-{target.bus}-{batch}.json").write_text(done.stdout + done.stderr)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        log(f"ingest {target.bus} batch {batch}: load tool exit {done.returncode}: {done.stderr.strip()}")
        return None
    r = json.loads(done.stdout)
    if target.broker:
        r["broker_cpu_seconds"] = round(Server.cpu(None, target.broker) - broker_before, 3)
    return r


def scenario_ingest(args):
    """5. Publisher throughput: POST /events batches into the embedded bus and the mock cluster."""
    p = args.ingest
    rows = {}
    for bus in p["buses"]:
        target = IngestTarget(args, bus)
        try:
            target.start()
            for batch in p["batches"]:
                r = ingest_run(args, target, batch)
                if r is None:
                    rows[f"{bus}, batch {batch}"] = None
                    continue
                l = r["latency_ms"]
                other = sum(n for code, n in r["statuses"].items() if code != "202")
                rows[f"{bus}, batch {batch}"] = {
                    "events_per_s": round(r["events_per_s"]), "requests_per_s": round(r["requests_per_s"]),
                    "p50_ms": l["p50"], "p90_ms": l["p90"], "p99_ms": l["p99"], "p999_ms": l["p999"],
                    "max_ms": l["max"], "server_cpu_us_per_event": r["server_cpu_us_per_event"],
                    "server_cpu_pct": round(100 * r["server_cpu_seconds"] / r["window_seconds"], 1),
                    "tester_cpu_pct": round(100 * r["tester_cpu_seconds"] / r["window_seconds"], 1),
                    "broker_cpu_pct": (round(100 * r["broker_cpu_seconds"] / r["window_seconds"], 1)
                                       if "broker_cpu_seconds" in r else None),
                    "not_202": other, "connection_failures": r["connection_failures"]}
                time.sleep(args.pause)
        except RuntimeError as e:
            log(f"ingest {bus}: {e}")
        finally:
            target.stop()
        time.sleep(args.pause)
    return {"title": "Scenario 5 — publisher ingest (POST /events)",
            "setup": (f"`odin_ingest_load` (bench/ingest: one epoll thread, {p['connections']} keep-alive "
                      f"connections, one request in flight each) posts batches of "
                      f"{', '.join(map(str, p['batches']))} TRADE_EXECUTED events (flat and nested forms, "
                      f"1,000 tokens) for {p['duration']} s after {p['warmup']} s of warm-up; every answer "
                      f"counted is a 202, sent after the bus acknowledged every event of the request. "
                      f"embedded = `odin dev` (memory bus; its gateway idle, simulator at 0.1 events/s); "
                      f"kafka = `odin publisher` (acks=all) on librdkafka's mock cluster "
                      f"(`odin_mock_kafka`, 3 brokers, 12 partitions per topic, placed with the tester). "
                      f"Goals: ≥ 200,000 events/s embedded, ≥ 100,000 events/s kafka."),
            "columns": ["events_per_s", "requests_per_s", "p50_ms", "p99_ms", "p999_ms", "max_ms",
                        "server_cpu_us_per_event", "server_cpu_pct", "tester_cpu_pct", "broker_cpu_pct",
                        "not_202", "connection_failures"],
            "rows": rows, "no_ratio": True}


def micro(args):
    """Google Benchmark micro-benchmarks of the gateway hot paths."""
    exe = Path(args.micro_bench)
    if not exe.exists():
        log(f"micro-benchmarks not built ({exe}); skipped")
        return None
    out = args.raw / "micro.json"
    cmd = [str(exe), f"--benchmark_out={out}", "--benchmark_out_format=json",
           f"--benchmark_min_time={0.05 if args.quick else 0.5}"]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, timeout=600, check=False)
    data = json.loads(out.read_text())
    rows = {}
    for b in data["benchmarks"]:
        per_item = 1e9 / b["items_per_second"] if b.get("items_per_second") else None
        rows[b["name"]] = {"cpu_ns_per_iteration": round(b["cpu_time"], 1),
                           "ns_per_item": round(per_item, 2) if per_item else None,
                           "items_per_s": round(b.get("items_per_second", 0))}
    return {"title": "Micro-benchmarks (Google Benchmark, one core)",
            "setup": ("bench/micro (bench/micro/*.cc): item = one request parsed, one frame rendered, "
                      "or one delivery; BM_flush_writev/F = F frames per writev per subscriber "
                      "(1,000 subscribers, /dev/null)"),
            "columns": ["cpu_ns_per_iteration", "ns_per_item", "items_per_s"], "rows": rows,
            "no_ratio": True}


def fmt(v):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def listen_overflows():
    """TcpExt ListenOverflows of this network namespace (SYNs or handshake ACKs dropped because a
    listen queue was full; the client retries after 1 s, 3 s ...), or None."""
    try:
        lines = [l.split() for l in Path("/proc/net/netstat").read_text().splitlines()
                 if l.startswith("TcpExt:")]
        return int(dict(zip(lines[0], lines[1]))["ListenOverflows"])
    except (OSError, IndexError, KeyError, ValueError):
        return None


def scenario_reconnect(args):
    """Mass reconnect with stream positions (issue 10). Odin only: the peers have no stream
    positions to resume from, so there is nothing to compare them on."""
    p = args.s5
    lt = {"target": p["clients"], "duration": p["duration"], "ramp-rate": p["ramp"],
          "bundle": "TRADING", "token-pool": p["tokens"], "tokens-per-client": p["k"],
          "setup-timeout": 60, "drain": 3, "reconnect-burst": p["burst"],
          "reconnect-burst-within": p["within"], "reconnect-burst-at": p["at"]}
    overflows_before = listen_overflows()
    r = one_run(args, "odin", p["rate"], lt, "reconnect", pool=p["tokens"])
    overflows_after = listen_overflows()
    row = None
    if r is not None and "reconnects" in r:
        rc, b = r["reconnects"], r["reconnects"]["burst"]
        ms = lambda us: round(us / 1000, 1)
        base = summarize(r)
        row = {"connections": base["connections"], "reconnected": rc["resubscribed"],
               "failed": rc["failed"] + base["failed"],
               "recovered_true": rc["recovered_true"], "recovered_false": rc["recovered_false"],
               "loss": base["loss"], "duplicates": base["duplicates"],
               "to_subscribed_p50_ms": ms(b["to_subscribed_us"]["p50"]),
               "to_subscribed_p99_ms": ms(b["to_subscribed_us"]["p99"]),
               "to_subscribed_max_ms": ms(b["to_subscribed_us"]["max"]),
               "to_last_replayed_p99_ms": ms(rc["to_replayed_us"]["p99"]),
               "others_p99_before_ms": ms(b["others_latency_before_us"]["p99"]),
               "others_p99_during_ms": ms(b["others_latency_during_us"]["p99"]),
               "server_cpu_pct": base["server_cpu_pct"], "server_rss_mb": base["server_rss_mb"],
               "tester_cpu_s": base["client_cpu_s"],
               "listen_overflows": (overflows_after - overflows_before
                                    if None not in (overflows_before, overflows_after) else None)}
        row["goal_p99_le_100ms"] = (row["to_subscribed_p99_ms"] <= 100 and row["loss"] == 0
                                    and row["recovered_false"] == 0)
    others = p["clients"] - p["burst"]
    reasons = (r or {}).get("reconnects", {}).get("failures", {})
    extra = ["", "Failed reconnects by reason: " +
             (", ".join(f"{why}: {n:,}" for why, n in sorted(reasons.items())) or "none")]
    return {"extra_lines": extra,
            "title": "Mass reconnect — recovery with stream positions (Odin only)",
            "setup": (f"{p['tokens']} tokens, {p['rate']} events/s in, {p['clients']} clients each on "
                      f"TRADING for {p['k']} random tokens; {p['burst']} of them drop their connection "
                      f"and reconnect with `since` (their last `pos` per channel) within {p['within']} s, "
                      f"{p['at']} s into a {p['duration']} s window; the other {others} stay connected. "
                      "to_subscribed = from the drop to the `subscribed` reply (the gap is queued right "
                      "behind it); others_p99 = delivery p99 of the clients that did not reconnect, "
                      "events before the burst vs during it (to 1 s after). Goal (issue 10): p99 ≤ 100 ms "
                      "to subscribed with the gap filled, loss 0, no effect on the others' p99. "
                      "tester_cpu_s = the load tester's CPU over the run; listen_overflows = the kernel's "
                      "TcpExt ListenOverflows during the run (SYNs dropped on a full listen queue, each "
                      "retried by its client after 1 s; counted for the whole network namespace). The "
                      "peers (NATS, uWebSockets.js, ws) have no positions: not run."),
            "columns": ["connections", "reconnected", "failed", "recovered_true", "recovered_false",
                        "loss", "duplicates", "to_subscribed_p50_ms", "to_subscribed_p99_ms",
                        "to_subscribed_max_ms", "to_last_replayed_p99_ms", "others_p99_before_ms",
                        "others_p99_during_ms", "server_cpu_pct", "tester_cpu_s",
                        "listen_overflows", "goal_p99_le_100ms"],
            "rows": {"odin": row}, "no_ratio": True}


def scenario_balances(args):
    """Private balances (issue 9). Odin only: the peers have no identity. Every client is a user
    with its own token (sub user<i+1>, the simulator's SIM_USERS ids) on the balances channels of
    K tokens; each balances event must reach its user's client and nobody else's."""
    p = args.s6
    lt = {"target": p["clients"], "duration": p["duration"], "ramp-rate": p["ramp"],
          "subscription-mode": "channels", "channels": "balances", "token-pool": p["tokens"],
          "tokens-per-client": p["k"], "jwt-secret": JWT_SECRET, "users": p["clients"],
          "setup-timeout": 60}
    r = one_run(args, "odin", p["rate"], lt, "balances", pool=p["tokens"],
                odin_env={"WS_JWT_SECRET": JWT_SECRET, "SIM_USERS": str(p["clients"])})
    expected = p["rate"] * BALANCES_SHARE * p["k"] / p["tokens"]
    row = None
    if r is not None and "balances" in r["events"]:
        b, base = r["events"]["balances"], summarize(r)
        own = b["own_events_in_window"]
        row = {"connections": base["connections"], "failed": base["failed"],
               "own_deliveries_per_s": round(b["own_per_second"], 1),
               "expected_per_s": round(expected, 1),
               "foreign_events": b["foreign_balance_events"],
               "p50_ms": base["p50_ms"], "p99_ms": base["p99_ms"], "max_ms": base["max_ms"],
               "server_cpu_pct": base["server_cpu_pct"],
               "server_cpu_ms_per_delivery": (round(base["server_cpu_s"] * 1000 / own, 3)
                                              if own else None),
               "server_rss_mb": base["server_rss_mb"], "rss_per_conn_bytes": base["rss_per_conn_bytes"],
               "goal_no_foreign": "yes" if b["foreign_balance_events"] == 0 and own > 0 else "no"}
    return {"title": "Private balances — every user on its own balances (Odin only)",
            "setup": (f"{p['clients']:,} clients, each a distinct user (HS256 token minted by the "
                      f"load tester, sub user1..user{p['clients']}; `SIM_USERS={p['clients']}` so the "
                      f"simulator's BALANCE_UPDATED events name these users), each subscribed to the "
                      f"`balances` channel of {p['k']} of {p['tokens']} tokens; {p['rate']:,.0f} "
                      f"events/s in, {BALANCES_SHARE:.0%} of them BALANCE_UPDATED (≈{expected:,.1f} own "
                      f"deliveries/s expected: each reaches its one user, when that user holds the "
                      f"token); {p['duration']:g} s window. foreign_events = balances events a client "
                      f"received whose userId is not its own: must be 0 (the load tester fails the "
                      f"run otherwise). Latency and CPU are of own deliveries; CPU includes the "
                      f"simulator making all {p['rate']:,.0f} events/s. goal_no_foreign: foreign 0 "
                      f"and own deliveries > 0. The peers have no identity: not run."),
            "columns": ["connections", "failed", "own_deliveries_per_s", "expected_per_s",
                        "foreign_events", "p50_ms", "p99_ms", "max_ms", "server_cpu_pct",
                        "server_cpu_ms_per_delivery", "server_rss_mb", "rss_per_conn_bytes",
                        "goal_no_foreign"],
            "rows": {"odin": row}, "no_ratio": True}


def baseline_key(key):
    return "odin" + key[key.index(" @"):] if " @" in key else "odin"


def write_result(args, name, res):
    res["machine"] = {"cpus": os.cpu_count(), "kernel": platform.release(),
                      "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                      "date": datetime.datetime.now().isoformat(timespec="seconds"),
                      "quick": args.quick, "odin_env": args.odin_env,
                      "placement": pinning_record(args), "note": args.note}
    saved = {k: v for k, v in res.items() if k != "extra_lines"}
    (args.out / f"{name}.json").write_text(json.dumps(saved, indent=2) + "\n")
    note = ("" if res.get("no_ratio") else
            " `(×r)` = ratio to Odin Stream. CPU = the system under test (utime+stime from /proc) "
            "inside the window, its event source included (Odin's simulator, the peers' "
            "generator, NATS's publisher process).")
    pin = res["machine"]["placement"]
    placed = (f"CPU placement: server (and its event source) on CPUs {pin['server_cpus']}, load "
              f"tester on CPUs {pin['tester_cpus']}." if pin["pinned"] else
              "CPU placement: not pinned (--no-pin): the load tester shares the server's CPUs.")
    lines = [f"# {res['title']}", "", res["setup"], "",
             f"Run {res['machine']['date']} on {res['machine']['cpus']} cores "
             f"({'quick mode' if args.quick else 'default sizes'}; load average at the end "
             f"{res['machine']['load_average_at_end'][1]} over 5 min). {placed}{note}", ""]
    if args.note:
        lines[-1:-1] = ["", f"Note: {args.note}"]
    if args.odin_env:
        lines[-1:-1] = ["", "Odin settings for this run: " + ", ".join(f"`{e}`" for e in args.odin_env)]
    cols = res["columns"]
    lines.append("| system | " + " | ".join(cols) + " |")
    lines.append("|---" * (len(cols) + 1) + "|")
    for key, row in res["rows"].items():
        label = SYSTEMS.get(key, {}).get("label", ROW_LABELS.get(key, key))
        if row is None:
            lines.append(f"| {label} | " + " | ".join("failed" for _ in cols) + " |")
            continue
        base = None if res.get("no_ratio") else res["rows"].get(baseline_key(key))
        cells = []
        for c in cols:
            v = row.get(c)
            cell = fmt(v)
            b = base.get(c) if base else None
            if (not key.startswith("odin") and isinstance(v, (int, float)) and isinstance(b, (int, float))
                    and b and not isinstance(v, bool)):
                cell += f" (×{v / b:.2f})"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += res.get("extra_lines", [])
    (args.out / f"{name}.md").write_text("\n".join(lines) + "\n")
    log(f"wrote {args.out / (name + '.md')}")
    print("\n".join(lines), flush=True)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, a few seconds each (~3 min)")
    ap.add_argument("--scenarios",
                    default="realistic,hot,capacity,plan,ingest,micro,reconnect,balances")
    ap.add_argument("--systems", default="odin,nats,uws,ws")
    ap.add_argument("--odin", default=str(ROOT / "build" / "release" / "bin" / "odin"))
    ap.add_argument("--micro-bench", default=str(ROOT / "build" / "release" / "bin" / "odin_micro_bench"))
    ap.add_argument("--out", help="results folder (default bench/results, --quick: bench/results/quick)")
    ap.add_argument("--odin-io-threads", type=int, default=0, help="WS_IO_THREADS (0: one per core)")
    ap.add_argument("--odin-env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra setting for odin dev, e.g. WS_FLUSH_INTERVAL=0 (repeatable)")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between runs")
    ap.add_argument("--note", default="", help="a sentence written under every result's title "
                    "(e.g. what else ran on the machine)")
    # CPU placement
    ap.add_argument("--server-cpus", help="CPUs of the system under test (default: 0)")
    ap.add_argument("--tester-cpus", help="CPUs of the load tester and this script (default: the others)")
    ap.add_argument("--no-pin", action="store_true", help="no CPU pinning (the old behaviour)")
    # ingest scenario
    ap.add_argument("--ingest-load", default=str(ROOT / "build" / "release" / "bin" / "odin_ingest_load"))
    ap.add_argument("--mock-kafka", default=str(ROOT / "build" / "release" / "bin" / "odin_mock_kafka"))
    ap.add_argument("--ingest-buses", default="embedded,kafka")
    ap.add_argument("--ingest-batches", default="1,100,1000")
    ap.add_argument("--ingest-connections", type=int)
    ap.add_argument("--ingest-duration", type=float)
    # scenario sizes
    ap.add_argument("--s1-clients", type=int), ap.add_argument("--s1-rate", type=float)
    ap.add_argument("--s1-duration", type=float)
    ap.add_argument("--s2-clients", help="comma list, e.g. 100,1000,10000")
    ap.add_argument("--s2-duration", type=float), ap.add_argument("--s2-steps", type=int)
    ap.add_argument("--s2-start", type=int, help="deliveries/s of the first step")
    ap.add_argument("--s3-connections", type=int), ap.add_argument("--s3-duration", type=float)
    ap.add_argument("--s4-duration", type=float), ap.add_argument("--s4-clients", type=int)
    ap.add_argument("--s5-clients", type=int), ap.add_argument("--s5-burst", type=int)
    ap.add_argument("--s5-duration", type=float)
    ap.add_argument("--s6-clients", type=int, help="balances: clients = users")
    ap.add_argument("--s6-tokens", type=int, help="balances: token pool")
    ap.add_argument("--s6-k", type=int, help="balances: tokens per client")
    ap.add_argument("--s6-rate", type=float, help="balances: events/s in (all kinds)")
    ap.add_argument("--s6-duration", type=float)
    ap.add_argument("--auth", action="store_true",
                    help="realistic: also run Odin with every client authenticated (row odin+auth)")
    ap.add_argument("--compression", action="store_true",
                    help="the load tester offers permessage-deflate (like browsers) and inflates "
                         "what comes compressed; Odin accepts it under WS_COMPRESSION=on, a peer "
                         "that does not support it answers plain. Reports gain wire_bytes")
    a = ap.parse_args()
    q = a.quick
    a.s1 = {"clients": a.s1_clients or (500 if q else 10000), "rate": a.s1_rate or (500 if q else 2000),
            "tokens": 1000, "k": 5, "duration": a.s1_duration or (4 if q else 30), "ramp": 2000}
    a.s2 = {"clients": [int(x) for x in (a.s2_clients or ("200" if q else "100,1000,10000")).split(",")],
            "duration": a.s2_duration or (3 if q else 10), "steps": a.s2_steps or (2 if q else 7),
            "start_deliveries": a.s2_start or (20000 if q else 50000), "factor": 2.0, "ramp": 4000}
    a.s3 = {"connections": a.s3_connections or (2000 if q else 19900), "rate": 2,
            "duration": a.s3_duration or (4 if q else 15), "ramp": 2500}
    a.s4 = {"clients": a.s4_clients or (1200 if q else 12000), "rate": 810, "tokens": 1000, "k": 5,
            "duration": a.s4_duration or (4 if q else 600), "ramp": 2000}
    a.s5 = {"clients": a.s5_clients or (600 if q else 12000), "burst": a.s5_burst or (500 if q else 10000),
            "rate": 500 if q else 2000, "tokens": 1000, "k": 5, "within": 1.0,
            "duration": a.s5_duration or (6 if q else 20), "ramp": 2000}
    a.s5["at"] = round(a.s5["duration"] * 0.4, 1)
    a.s6 = {"clients": a.s6_clients or (1000 if q else 10000), "tokens": a.s6_tokens or 10,
            "k": a.s6_k or 10, "rate": a.s6_rate or (1000 if q else 5000),
            "duration": a.s6_duration or (4 if q else 30), "ramp": 2000}
    if a.s6["k"] > a.s6["tokens"]:
        ap.error("--s6-k is above --s6-tokens")
    a.ingest = {"buses": a.ingest_buses.split(","),
                "batches": [int(x) for x in a.ingest_batches.split(",")],
                "connections": a.ingest_connections or 8,
                "duration": a.ingest_duration or (3 if q else 10), "warmup": 1 if q else 2}
    server_default, tester_default = default_cpu_sets()
    a.server_cpus = parse_cpus(a.server_cpus) if a.server_cpus else server_default
    a.tester_cpus = parse_cpus(a.tester_cpus) if a.tester_cpus else tester_default
    if not a.no_pin and set(a.server_cpus) & set(a.tester_cpus) and len(os.sched_getaffinity(0)) > 1:
        ap.error(f"--server-cpus {a.server_cpus} and --tester-cpus {a.tester_cpus} overlap")
    a.odin = str(Path(a.odin).resolve())
    a.ingest_load = str(Path(a.ingest_load).resolve())
    a.mock_kafka = str(Path(a.mock_kafka).resolve())
    a.micro_bench = str(Path(a.micro_bench).resolve())
    a.systems = a.systems.split(",")
    a.out = Path(a.out) if a.out else ROOT / "bench" / "results" / ("quick" if q else "")
    a.raw = a.out / "raw"
    a.raw.mkdir(parents=True, exist_ok=True)
    return a


def main():
    args = parse_args()
    raise_nofile()
    if not args.no_pin:
        os.sched_setaffinity(0, args.tester_cpus)  # this script counts as tester
        log(f"CPU placement: server on {args.server_cpus}, load tester on {args.tester_cpus}")
    runners = {"realistic": scenario_realistic, "hot": scenario_hot, "capacity": scenario_capacity,
               "plan": scenario_plan, "ingest": scenario_ingest, "micro": micro,
               "reconnect": scenario_reconnect, "balances": scenario_balances}
    for name in args.scenarios.split(","):
        log(f"scenario {name}")
        res = runners[name](args)
        if res:
            write_result(args, name, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
