"""The HTTP floor: a minimal Sanic + aiomysql app that serves, for each scenario, the very
statements the bridge sent for it (captured, bench/capture.py) with an answer of the same size.

It has what any HTTP service over MySQL has (Sanic's HTTP handling, a connection pool, the
statements run per request, the rows read and encoded with orjson) and nothing the bridge adds
(authentication, scope, cached principals and totals, row shaping, permissions, links). So
``bridge ÷ HTTP floor`` is the bridge's own cost, where ``bridge ÷ SQL floor`` (bench/floor.py)
also counts HTTP. Started as its own process with the bridge's worker count and pool size:

    python -m bench.httpfloor SPEC.json   # BRIDGE_DATABASE_URL, BRIDGE_HOST/PORT/WORKERS/POOL_SIZE

``SPEC.json`` maps a scenario key (``S1/admin``) to ``{"statements": [...], "body_bytes": n}``;
``GET /floor/S1/admin?…`` serves it (the bridge's query string is sent along, unread).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import aiomysql
import orjson
from sanic import Request, Sanic
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from bridge.settings_env import load_settings

PREFIX = "/floor/"


@dataclass(frozen=True)
class Route:
    statements: tuple[str, ...]
    body_bytes: int  # the length of the bridge's body for the same request


def load_spec(path: str) -> dict[str, Route]:
    raw = json.loads(Path(path).read_text())
    return {key: Route(tuple(r["statements"]), int(r["body_bytes"])) for key, r in raw.items()}


def write_spec(path: Path, statements: dict[str, list[str]], body_bytes: dict[str, int]) -> None:
    path.write_text(
        json.dumps({key: {"statements": statements[key], "body_bytes": body_bytes[key]} for key in statements})
    )


def sized(payload: bytes, length: int) -> bytes:
    """``payload`` cut or padded with spaces (JSON whitespace) to ``length`` bytes: the same
    number of bytes on the wire as the bridge's answer, whatever the rows encode to."""
    return payload[:length] if len(payload) >= length else payload + b" " * (length - len(payload))


def create_app(spec_path: str) -> Sanic:
    settings = load_settings()
    routes = load_spec(spec_path)
    app = Sanic("wpbench_http_floor")
    app.config.ACCESS_LOG = False

    @app.before_server_start
    async def open_pool(app: Sanic) -> None:
        kwargs = settings.database_url.connect_kwargs()
        kwargs["db"] = kwargs.pop("database")
        app.ctx.pool = await aiomysql.create_pool(minsize=1, maxsize=settings.pool_size, autocommit=True, **kwargs)

    @app.after_server_stop
    async def close_pool(app: Sanic) -> None:
        app.ctx.pool.close()
        await app.ctx.pool.wait_closed()

    @app.get("/healthz")
    async def healthz(request: Request) -> HTTPResponse:
        return HTTPResponse(b'{"status":"ok"}', content_type="application/json")

    @app.get("/floor/<scenario:str>/<role:str>")
    async def serve(request: Request, scenario: str, role: str) -> HTTPResponse:
        route = routes.get(f"{scenario}/{role}")
        if route is None:
            return HTTPResponse(b'{"error":"unknown scenario"}', status=404, content_type="application/json")
        results = []
        if route.statements:
            async with app.ctx.pool.acquire() as conn:
                async with conn.cursor() as cur:
                    for sql in route.statements:
                        await cur.execute(sql)
                        results.append(await cur.fetchall())
        body = orjson.dumps(results, default=str)
        return HTTPResponse(sized(body, route.body_bytes), content_type="application/json")

    return app


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bench.httpfloor SPEC.json", file=sys.stderr)
        return 2
    settings = load_settings()
    loader = AppLoader(factory=partial(create_app, argv[0]))
    app = loader.load()
    app.prepare(host=settings.host, port=settings.port, workers=settings.workers, access_log=False,
                single_process=settings.workers == 1, motd=False)  # fmt: skip
    if settings.workers == 1:
        Sanic.serve_single(primary=app)
    else:
        Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
