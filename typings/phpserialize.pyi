"""What the bridge uses of phpserialize 1.3 (bridge/wordpress.py)."""

from collections.abc import Callable
from typing import Any

def dumps(
    data: object, charset: str = "utf-8", errors: str = "strict", object_hook: Callable[[Any], Any] | None = None
) -> bytes: ...
def loads(
    data: bytes,
    charset: str = "utf-8",
    errors: str = "strict",
    decode_strings: bool = False,
    object_hook: Callable[[Any, dict[Any, Any]], Any] | None = None,
    array_hook: Callable[[list[tuple[Any, Any]]], Any] | None = None,
) -> object: ...
