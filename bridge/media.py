"""Which media types a request body may have: the one dispatch REST writes, ``/cache/invalidate``
and DataTables POST share.

A body is read by its declared ``Content-Type`` only, never by sniffing: ``application/json``
(or ``application/*+json``, as WordPress's ``wp_is_json_media_type`` counts it; parameters such
as ``charset`` ignored) is JSON; ``application/x-www-form-urlencoded`` and
``multipart/form-data`` are forms. Any other type with a non-empty body, ``text/plain`` and a
missing ``Content-Type`` included, is refused with 415 ``rest_unsupported_media_type``. That
closes the door a plain HTML form opens: a browser may send ``text/plain`` cross-site without
asking, and that body used to be parsed as JSON.
"""

from __future__ import annotations

import re

from sanic import Request

from bridge.errors import BridgeError

JSON = "application/json"
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FORMS = (URLENCODED, MULTIPART)
ANY = (JSON, URLENCODED, MULTIPART)

_JSON_SUFFIX = re.compile(r"application/[A-Za-z0-9!#$&^_.+-]+\+json")


def unsupported_media_type(accepted: tuple[str, ...] = ANY) -> BridgeError:
    """415 naming the types this route reads."""
    return BridgeError(
        "rest_unsupported_media_type",
        "The request body's Content-Type is not supported; send " + " or ".join(accepted) + ".",
        415,
        accepted=list(accepted),
    )


def declared_type(request: Request) -> str:
    """The ``Content-Type`` without parameters, lower case (``""`` when there is none)."""
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def body_type(request: Request, accepted: tuple[str, ...] = ANY) -> str | None:
    """``JSON``, ``URLENCODED`` or ``MULTIPART`` for a body the caller may parse as such; ``None``
    when there is no body at all (whatever the header says); 415 for any other declared type,
    or one of ``ANY`` this route does not read."""
    if not request.body:
        return None
    declared = declared_type(request)
    kind = JSON if declared == JSON or _JSON_SUFFIX.fullmatch(declared) else declared
    if kind not in accepted:
        raise unsupported_media_type(accepted)
    return kind
