"""Where the workers' metric files go, prepared by the main process before any worker starts.

prometheus-client picks its multiprocess mode when it is first imported, from
``PROMETHEUS_MULTIPROC_DIR``, so ``wpbridge serve`` calls ``prepare`` before importing the app:
the folder is emptied (a previous run's files would be added to this run's counts, and its
dead workers' gauges would count for ever) and the variable set, so that every worker Sanic
spawns inherits it. This module must not import ``prometheus_client`` itself.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare(path: Path) -> Path:
    """Empty (or create) ``path`` and make it this process's and its children's metrics folder."""
    if "prometheus_client" in sys.modules:  # its values would stay in this process's memory, unscraped
        raise RuntimeError("the metrics folder must be prepared before prometheus_client is imported")
    if path.is_dir():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(path)
    return path
