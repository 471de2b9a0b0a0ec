"""Where a worker's time goes under load: py-spy (from PyPI, the bench extra) samples one worker
and the samples are folded into the functions that hold the most time."""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]*):(?P<line>\d+)\)$")


def py_spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


def _label(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    short = "/".join(Path(path).parts[-2:]) if "site-packages" in path or "/lib/" in path else path.split("main/")[-1]
    return f"{match['func']} ({short})"


def record(pids: list[int], seconds: int) -> dict[str, object] | None:
    """Top functions by share of the samples of all ``pids`` together (inclusive and self); None
    without py-spy. Every worker is sampled: one connection's requests all go to one of them."""
    binary = py_spy()
    if not binary:
        return None
    with tempfile.TemporaryDirectory() as folder:
        outs = [Path(folder) / f"{pid}.txt" for pid in pids]
        spies = [
            subprocess.Popen(
                [
                    binary,
                    "record",
                    "-p",
                    str(pid),
                    "-d",
                    str(seconds),
                    "-r",
                    "250",
                    "-f",
                    "raw",
                    "-o",
                    str(out),
                    "--nonblocking",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
            for pid, out in zip(pids, outs, strict=True)
        ]
        for spy in spies:
            said, _ = spy.communicate()
            if spy.returncode != 0:
                return {"error": said.strip()[-400:]}
        lines = [line for out in outs if out.exists() for line in out.read_text().splitlines()]
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_label(f) for f in stack.split(";")]
        for label in set(frames):
            inclusive[label] += n
        own[frames[-1]] += n
    if not total:
        return None

    def top(counter: collections.Counter[str], k: int) -> list[list[object]]:
        return [[round(100 * v / total, 1), label] for label, v in counter.most_common(k)]

    return {"samples": total, "inclusive": top(inclusive, 45), "self": top(own, 20)}
