"""Where things are: the repository root and the plugin's REST prefix."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
API = "/wp-json/wp-customer/v1"
