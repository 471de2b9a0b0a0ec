"""The chart of the report: per size (one row each), the bridge beside the HTTP floor and the SQL
floor for every scenario (warm): p50 at 1 connection, throughput at 16 and at 32, and the
bridge's share of the HTTP floor's throughput at 16 against the target of 60 %."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.report import RPS_SHARE, all_sizes

SERIES = (
    ("bridge", "bridge"),
    ("http", "HTTP floor (Sanic + aiomysql, same SQL)"),
    ("floor", "SQL floor (same SQL, bare aiomysql)"),
)


def draw(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = all_sizes(result)
    fig, grid = plt.subplots(len(sizes), 4, figsize=(24, 5.5 * len(sizes)), squeeze=False)
    for axes, part in zip(grid, sizes, strict=True):
        runs = [r for r in part["indexed"]["runs"] if r["cache"] == "warm"]
        n = f"{part['customers']:,} customers"
        panels = ((1, "p50", f"p50 latency (ms), 1 connection — {n}"), (16, "rps", f"requests/s, 16 connections — {n}"),
                  (32, "rps", f"requests/s, 32 connections — {n}"))  # fmt: skip
        for ax, (c, metric, title) in zip(axes[:3], panels, strict=True):
            rows = [r for r in runs if r["concurrency"] == c]
            x = range(len(rows))
            for k, (key, label) in enumerate(SERIES):
                values = [r[key][metric] if r.get(key) else float("nan") for r in rows]
                ax.bar([i + (k - 1) * 0.27 for i in x], values, 0.27, label=label)
            ax.set_xticks(list(x), [f"{r['scenario']}/{r['role'][:3]}" for r in rows], rotation=70, fontsize=8)
            ax.set_title(title, fontsize=10)
            if metric == "p50":
                ax.set_yscale("log")
            ax.legend(fontsize=7)
            ax.grid(axis="y", alpha=0.3)
        ax = axes[3]
        rows = [r for r in runs if r["concurrency"] == 16 and r.get("ratio_rps_http") is not None]
        shares = [r["ratio_rps_http"] for r in rows]
        ax.bar(range(len(rows)), shares, 0.6, color=["tab:green" if v >= RPS_SHARE else "tab:red" for v in shares])
        ax.axhline(RPS_SHARE, color="black", linestyle="--", linewidth=1, label=f"target: {RPS_SHARE:.0%}")
        ax.set_xticks(
            list(range(len(rows))), [f"{r['scenario']}/{r['role'][:3]}" for r in rows], rotation=70, fontsize=8
        )
        ax.set_ylim(0, max([1.0, *shares]) * 1.05)
        ax.set_title(f"bridge ÷ HTTP floor, requests/s at 16 connections — {n}", fontsize=10)
        ax.legend(fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    meta = result["meta"]
    fig.suptitle(
        f"wp-customer-bridge against its floors, {meta['cpus']} cores, {meta['workers']} workers each, {meta['date']}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
