"""The chart of ``latest.md``: p50 per scenario at concurrency 1, throughput at 32 (bridge
beside its floor), and how S1–S3 grow with the number of customers."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def draw(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [r for r in result["main"]["indexed"]["runs"] if r["cache"] == "warm"]
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.5))
    for ax, c, metric, label in (
        (axes[0], 1, "p50", "p50 latency (ms), 1 connection"),
        (axes[1], 32, "rps", "requests/s, 32 connections"),
    ):
        rows = [r for r in runs if r["concurrency"] == c]
        names = [f"{r['scenario']}/{r['role'][:3]}" for r in rows]
        x = range(len(rows))
        ax.bar([i - 0.2 for i in x], [r["bridge"][metric] for r in rows], 0.4, label="bridge")
        ax.bar(
            [i + 0.2 for i in x],
            [r["floor"][metric] if r["floor"] else float("nan") for r in rows],
            0.4,
            label="floor (same SQL, bare aiomysql)",
        )
        ax.set_xticks(list(x), names, rotation=70, fontsize=8)
        ax.set_title(label)
        if metric == "p50":
            ax.set_yscale("log")
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    ax = axes[2]
    sizes = sorted(result["scaling"], key=lambda s: s["customers"])
    for sid in ("S1", "S2", "S3"):
        xs, ys, fs = [], [], []
        for s in sizes:
            r = next((r for r in s["runs"] if r["scenario"] == sid), None)
            if r:
                xs.append(s["customers"])
                ys.append(r["bridge"]["p50"])
                fs.append(r["floor"]["p50"])
        ax.plot(xs, ys, marker="o", label=f"{sid} bridge")
        ax.plot(xs, fs, marker="x", linestyle="--", label=f"{sid} floor")
    if any(line.get_xydata().size for line in ax.get_lines()):
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("customers")
    ax.set_title("p50 (ms) by data size, admin, 1 connection")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    meta = result["meta"]
    fig.suptitle(f"wp-customer-bridge, {result['main']['customers']:,} customers, {meta['cpus']} cores, {meta['date']}")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
