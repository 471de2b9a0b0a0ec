"""The REST namespace the bridge serves, as WordPress names a plugin's routes.

One constant for every blueprint, link and printed example: the namespace is part of the
contract with the shim and with every client, so it must never drift between routes.
"""

from __future__ import annotations

NAMESPACE = "wp-customer/v1"
API_PREFIX = f"/wp-json/{NAMESPACE}"  # every route except /healthz, /readyz, /openapi.json and /docs
