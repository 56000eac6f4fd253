#!/usr/bin/python3
"""Side-by-side benchmark of Odin Stream, NATS (WebSocket), uWebSockets.js and Node ws.

Run through bench/run.sh (which installs and builds first). Every system runs in turn on
loopback with the same load from `odin loadtest`; each scenario writes
bench/results/<scenario>.md and .json (one row per system, ratio to Odin Stream).
Only the Python standard library is used.
"""
import argparse
import datetime
import json
import os
import platform
import resource
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

SYSTEMS = {
    "odin": {"label": "Odin Stream (odin dev)", "port": 3002, "protocol": "odin", "path": "/ws"},
    "nats": {"label": "NATS server (WebSocket)", "port": 8080, "protocol": "nats", "path": "/"},
    "uws": {"label": "uWebSockets.js", "port": 3010, "protocol": "simple", "path": "/"},
    "ws": {"label": "Node ws", "port": 3011, "protocol": "simple", "path": "/"},
}


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


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

    def __init__(self, name, args, rate, tokens=None, pool=0, logdir=None):
        self.name, self.args, self.procs = name, args, []
        self.logdir = logdir
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SIM_RATE": str(rate), "SIM_SEED": "7"}
        if pool:
            env["SIM_TOKEN_POOL"] = str(pool)
        else:
            env["SIM_TOKENS"] = ",".join(tokens)
        self.env = env

    def _spawn(self, cmd, env, tag):
        out = open(self.logdir / f"{self.name}-{tag}.log", "ab")
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                             preexec_fn=raise_nofile, cwd=str(PEERS))
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
            self.server = self._spawn([self.args.odin, "dev", "--env-file", "/dev/null"], env, "server")
            self.measured = [self.server.pid]
        elif self.name == "nats":
            self.server = self._spawn(["nats-server", "-c", str(PEERS / "nats.conf")], env, "server")
            if not wait_port(4222, self.server):
                raise RuntimeError("nats-server did not start (see its log)")
            env["NATS_URL"] = "nats://127.0.0.1:4222"
            self.publisher = self._spawn(["node", "nats_publisher.js"], env, "publisher")
            self.measured = [self.server.pid]
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
    for k, v in lt.items():
        cmd += [f"--{k}", str(v)]
    log(f"{system}: {' '.join(cmd[1:])}")
    budget = float(lt.get("duration", 10)) + int(lt.get("target", 1)) / float(lt.get("ramp-rate", 1000)) + 120
    pub_before = server.cpu(server.publisher) if system == "nats" else 0.0
    with open(args.raw / f"{tag}-{system}.out", "w") as out:
        try:
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=budget,
                                preexec_fn=raise_nofile).returncode
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


def one_run(args, system, rate, lt, tag, tokens=None, pool=0):
    server = Server(system, args, rate, tokens=tokens, pool=pool, logdir=args.raw)
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

def pool_runs(args, p, tag):
    """Every system with clients on TRADING for K of a token pool (scenarios 1 and 4).
    Returns the rows and the expected deliveries/s."""
    lt = {"target": p["clients"], "duration": p["duration"], "ramp-rate": p["ramp"],
          "bundle": "TRADING", "token-pool": p["tokens"], "tokens-per-client": p["k"],
          "setup-timeout": 60}
    rows = {}
    for system in args.systems:
        r = one_run(args, system, p["rate"], lt, tag, pool=p["tokens"])
        rows[system] = summarize(r) if r else None
    return rows, p["clients"] * p["rate"] * TRADING_SHARE * p["k"] / p["tokens"]


def scenario_realistic(args):
    """1. Realistic latency: pool of tokens, input rate, clients on TRADING for K random tokens."""
    p = args.s1
    rows, expected = pool_runs(args, p, "realistic")
    return {"title": "Scenario 1 — realistic latency",
            "setup": (f"{p['tokens']} tokens, {p['rate']} events/s in, {p['clients']} clients each "
                      f"on TRADING for {p['k']} random tokens (≈{expected:,.0f} deliveries/s "
                      f"expected), {p['duration']} s window"),
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
                "p99_ms_at_max": best["p99_ms"] if best else None,
                "cpu_s_per_million_first_step": first["cpu_s_per_million"] if first else None,
                "p99_ms_first_step": first["p99_ms"] if first else None,
            }
    return {"title": "Scenario 2 — hot fan-out",
            "setup": (f"every client on TRADING for the one token HOT; the input rate starts at "
                      f"{p['start_deliveries']:,} deliveries/s and grows ×{p['factor']} per step "
                      f"({p['duration']} s each, at most {p['steps']}) until loss, a server close, "
                      f"p99 > 100 ms or < 90 % of the expected deliveries"),
            "columns": ["max_sustained_deliveries_per_s", "cpu_s_per_million_at_max", "p99_ms_at_max",
                        "cpu_s_per_million_first_step", "p99_ms_first_step"],
            "rows": out_rows, "steps": steps, "ratio_key": "system"}


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
                        "p99_ms", "fanout_last_client_ms", "loss", "server_cpu_pct"],
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


def baseline_key(key):
    return "odin" + key[key.index(" @"):] if " @" in key else "odin"


def write_result(args, name, res):
    res["machine"] = {"cpus": os.cpu_count(), "kernel": platform.release(),
                      "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                      "date": datetime.datetime.now().isoformat(timespec="seconds"),
                      "quick": args.quick, "note": "load tester on the same 2 cores as the server",
                      "odin_env": args.odin_env}
    (args.out / f"{name}.json").write_text(json.dumps(res, indent=2) + "\n")
    note = ("" if res.get("no_ratio") else
            " The load tester shares the machine. `(×r)` = ratio to Odin Stream. CPU = the server "
            "process (utime+stime from /proc) inside the window, simulator/generator included; "
            "for NATS the publisher is a separate process and is not included.")
    lines = [f"# {res['title']}", "", res["setup"], "",
             f"Run {res['machine']['date']} on {res['machine']['cpus']} cores "
             f"({'quick mode' if args.quick else 'default sizes'}; load average at the end "
             f"{res['machine']['load_average_at_end'][1]} over 5 min).{note}", ""]
    if args.odin_env:
        lines[-1:-1] = ["", "Odin settings for this run: " + ", ".join(f"`{e}`" for e in args.odin_env)]
    cols = res["columns"]
    lines.append("| system | " + " | ".join(cols) + " |")
    lines.append("|---" * (len(cols) + 1) + "|")
    for key, row in res["rows"].items():
        label = SYSTEMS.get(key, {}).get("label", key)
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
    (args.out / f"{name}.md").write_text("\n".join(lines) + "\n")
    log(f"wrote {args.out / (name + '.md')}")
    print("\n".join(lines), flush=True)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, a few seconds each (~3 min)")
    ap.add_argument("--scenarios", default="realistic,hot,capacity,plan,micro")
    ap.add_argument("--systems", default="odin,nats,uws,ws")
    ap.add_argument("--odin", default=str(ROOT / "build" / "release" / "bin" / "odin"))
    ap.add_argument("--micro-bench", default=str(ROOT / "build" / "release" / "bin" / "odin_micro_bench"))
    ap.add_argument("--out", help="results folder (default bench/results, --quick: bench/results/quick)")
    ap.add_argument("--odin-io-threads", type=int, default=0, help="WS_IO_THREADS (0: one per core)")
    ap.add_argument("--odin-env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra setting for odin dev, e.g. WS_FLUSH_INTERVAL=0 (repeatable)")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between runs")
    # scenario sizes
    ap.add_argument("--s1-clients", type=int), ap.add_argument("--s1-rate", type=float)
    ap.add_argument("--s1-duration", type=float)
    ap.add_argument("--s2-clients", help="comma list, e.g. 100,1000,10000")
    ap.add_argument("--s2-duration", type=float), ap.add_argument("--s2-steps", type=int)
    ap.add_argument("--s2-start", type=int, help="deliveries/s of the first step")
    ap.add_argument("--s3-connections", type=int), ap.add_argument("--s3-duration", type=float)
    ap.add_argument("--s4-duration", type=float), ap.add_argument("--s4-clients", type=int)
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
    a.odin = str(Path(a.odin).resolve())
    a.micro_bench = str(Path(a.micro_bench).resolve())
    a.systems = a.systems.split(",")
    a.out = Path(a.out) if a.out else ROOT / "bench" / "results" / ("quick" if q else "")
    a.raw = a.out / "raw"
    a.raw.mkdir(parents=True, exist_ok=True)
    return a


def main():
    args = parse_args()
    raise_nofile()
    runners = {"realistic": scenario_realistic, "hot": scenario_hot, "capacity": scenario_capacity,
               "plan": scenario_plan, "micro": micro}
    for name in args.scenarios.split(","):
        log(f"scenario {name}")
        res = runners[name](args)
        if res:
            write_result(args, name, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
