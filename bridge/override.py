"""WordPress's HTTP method override, for clients that can only send GET and POST.

``WP_REST_Server::serve_request`` takes the method from ``?_method=`` or,
without it, from ``X-HTTP-Method-Override``, upper-cased. The bridge does the same once, before
routing, so every route gets it and the real method's handler (with its permission checks)
answers; a method the route lacks is then ``404 rest_no_route`` like any other. Unlike WordPress
it is honoured on POST only: a GET, which links, prefetchers and caches treat as safe, can never
become a write.
"""

from __future__ import annotations

from typing import Any

from sanic import Request, Sanic

from bridge.errors import invalid_params

QUERY_KEY = "_method"
HEADER = "x-http-method-override"


def sent_method(request: Request) -> str:
    """The method on the wire (``POST`` for an overridden request): what decides whether a body
    carries parameters, so ``POST …?_method=GET`` reads the same parameters as without it."""
    return getattr(request.ctx, "sent_method", None) or request.method


def override_method(request: Request) -> None:
    """Replace a POST's method by the one its ``_method`` query value or, failing that, its
    ``X-HTTP-Method-Override`` header names; a repeated or array ``_method`` (or a repeated
    header) is ambiguous and refused with 400 rather than guessed."""
    if request.method != "POST":
        return
    named = [
        (key, value)
        for key, value in request.get_query_args(keep_blank_values=True)
        if key == QUERY_KEY or key.startswith(QUERY_KEY + "[")
    ]
    values, name = [value for _, value in named], QUERY_KEY
    if not named:
        values, name = request.headers.getall(HEADER, []), "X-HTTP-Method-Override"
    if not values:
        return
    if len(values) > 1 or any(key != QUERY_KEY for key, _ in named):
        raise invalid_params({name: f"{name} must be a single method name."})
    request.ctx.sent_method = request.method
    request.method = values[0].upper()


class MethodOverrideApp(Sanic[Any, Any]):  # the app context is bridge.services.AppContext
    """The bridge's app: ``override_method`` runs on every POST before the router picks the
    handler. Done here rather than in an ``http.routing.before`` signal, which Sanic would
    dispatch (an event lookup and a coroutine) on every request; a refusal is answered exactly as
    an error in that signal was, by the app's error handler with the response middleware."""

    async def handle_request(self, request: Request) -> None:
        if request.method == "POST":
            try:
                override_method(request)
            except Exception as exc:  # as handle_request answers an error in the signal it replaces
                await self.handle_exception(request, exc, run_middleware=True)
                return
        await super().handle_request(request)
