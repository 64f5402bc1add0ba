"""The load report: D/load.json (schema "nfvct-load/1", for CI) and D/load.html (the house style: inline CSS and
SVG, no scripts, nothing loaded), beside Locust's own CSV (D/locust_*.csv)."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from harness import __version__
from harness.load.judge import LoadVerdict
from reports.svg import bar_chart_svg, line_chart_svg

SCHEMA = "nfvct-load/1"
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "reports" / "templates"
MAX_POINTS = 300  # points per line of the throughput chart
ORDER = ("register", "enrol", "certConf", "renew", "revoke", "notify", "acme-register", "acme-account",
         "acme-order", "provision")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1], 2)


def _series(buckets: dict[str, dict[str, int]], start: float, end: float) -> dict[str, list[int]]:
    """Answers per second from the run's start, per operation (every outcome counted)."""
    first, seconds = int(start), max(1, int(end) - int(start) + 1)
    out: dict[str, list[int]] = defaultdict(lambda: [0] * seconds)
    for key, counts in buckets.items():
        name = key.split("|")[0]
        for second, n in counts.items():
            i = int(second) - first
            if 0 <= i < seconds:
                out[name][i] += n
    return {k: out[k] for k in sorted(out, key=lambda n: ORDER.index(n) if n in ORDER else 99)}


def operations(engine: dict[str, Any], verdict: LoadVerdict, duration: float) -> list[dict[str, Any]]:
    taxonomy = engine["collected"]["taxonomy"]
    ops = []
    for s in engine["stats"]:
        if s["name"] == "Aggregated":
            continue
        errors = sum(n for k, n in taxonomy.items() if k.startswith(f"{s['name']}|error|"))
        incorrect = sum(n for k, n in taxonomy.items() if k.startswith(f"{s['name']}|incorrect|"))
        ops.append({"name": s["name"], "count": s["count"], "ok": s["count"] - errors - incorrect, "errors": errors,
                    "incorrect": incorrect, "p50_ms": s["p50_ms"], "p95_ms": s["p95_ms"], "p99_ms": s["p99_ms"],
                    "max_ms": s["max_ms"], "avg_ms": s["avg_ms"],
                    "throughput_per_s": round((s["count"] - errors - incorrect) / duration, 3) if duration else 0.0})
    if verdict.notify:
        late, n = verdict.notify["lateness_ms"], verdict.notify
        wrong = n["lost"] + n["duplicated"]
        ops.append({"name": "notify", "count": n["expected"], "ok": n["delivered"], "errors": 0, "incorrect": wrong,
                    "p50_ms": _percentile(late, 0.5), "p95_ms": _percentile(late, 0.95),
                    "p99_ms": _percentile(late, 0.99), "max_ms": round(max(late), 2) if late else 0.0,
                    "avg_ms": round(statistics.fmean(late), 2) if late else 0.0, "throughput_per_s": 0.0,
                    "latency_is": "lateness: delivery time minus the time of the rp"})
    return sorted(ops, key=lambda o: ORDER.index(o["name"]) if o["name"] in ORDER else 99)


def load_json(params: dict[str, Any], machine: dict[str, Any], engine: dict[str, Any],
              verdict: LoadVerdict) -> dict[str, Any]:
    duration = max(0.001, engine["finished"] - engine["started"])
    ops = operations(engine, verdict, duration)
    main = {"acme-order": "acme-order", "provision": "provision"}.get(params["workload"]["operations"][0], "enrol")
    enrolled = next((o["ok"] for o in ops if o["name"] == main), 0)
    taxonomy = [{"operation": k.split("|")[0], "outcome": k.split("|")[1], "kind": k.split("|", 2)[2], "count": n}
                for k, n in sorted(engine["collected"]["taxonomy"].items(), key=lambda kv: -kv[1])]
    notify = {k: v for k, v in verdict.notify.items() if k != "lateness_ms"}
    return {
        "schema": SCHEMA, "tool": {"name": "nfvct", "version": __version__},
        "generated": datetime.now(timezone.utc).isoformat(),
        "parameters": params, "machine": machine,
        "locust": {"mode": engine["mode"], "workers": engine["workers"], "cpu_warning": engine["cpu_warning"]},
        "outcome": {"text": verdict.text, "exit_code": verdict.exit_code, "incorrect": verdict.incorrect,
                    "errors": verdict.errors, "complete": verdict.complete},
        "started": datetime.fromtimestamp(engine["started"], timezone.utc).isoformat(),
        "duration_s": round(duration, 2), "vnfcis_enrolled": enrolled,
        "throughput_per_s": round(enrolled / duration, 3),
        "operations": ops, "errors": taxonomy,
        "findings": [*verdict.findings, *engine["collected"]["findings"]],
        "notifications": notify,
        "timeline": {"start": int(engine["started"]),
                     "per_second": _series(engine["collected"]["buckets"], engine["started"], engine["finished"])},
        "csv": sorted(p.name for p in Path(params["out"]).glob("locust_*.csv")) if params.get("out") else [],
    }


def render_html(data: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    per_second = data["timeline"]["per_second"]
    length = max((len(v) for v in per_second.values()), default=0)
    step = max(1, -(-length // MAX_POINTS))  # a long run is drawn in bins of `step` seconds (their mean)
    binned = {k: [sum(v[i:i + step]) / len(v[i:i + step]) for i in range(0, len(v), step)]
              for k, v in per_second.items()}
    title = "Answers per second, per operation" + (f" (mean of each {step} s)" if step > 1 else "")
    throughput = line_chart_svg(binned, title=title, y_label="answers / s", x_step=step)
    latency = bar_chart_svg({o["name"]: {"p50": o["p50_ms"], "p95": o["p95_ms"], "p99": o["p99_ms"],
                                         "max": o["max_ms"]} for o in data["operations"]},
                            title="Latency per operation (ms)")
    code = data["outcome"]["exit_code"]
    slug = {0: "ok", 1: "fail"}.get(code, "inconclusive")
    return env.get_template("load.html.j2").render(d=data, throughput_svg=throughput, latency_svg=latency,
                                                   slug=slug)


def write_report(out: Path, params: dict[str, Any], machine: dict[str, Any], engine: dict[str, Any],
                 verdict: LoadVerdict) -> dict[str, Path]:
    data = load_json({**params, "out": str(out)}, machine, engine, verdict)
    paths = {"json": out / "load.json", "html": out / "load.html"}
    paths["json"].write_text(json.dumps(data, indent=1, ensure_ascii=False))
    paths["html"].write_text(render_html(data))
    return paths
