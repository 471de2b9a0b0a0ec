"""The generated request id has the form ``uuid.uuid4().hex`` has: the shim and proxies may
parse it as a UUID, so the faster generator must keep the version and variant bits."""

from __future__ import annotations

import uuid

from bridge.request_id import new_id


def test_a_new_id_is_a_version_4_uuid_in_hex() -> None:
    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000  # random, never repeated in practice
    for value in ids:
        parsed = uuid.UUID(hex=value)
        assert parsed.hex == value and len(value) == 32
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
    # every other bit is random: each of the 122 free bits is seen both set and clear
    fixed = (0xF000 << 64) | (0xC000 << 48)
    seen_set = seen_clear = 0
    for value in ids:
        n = int(value, 16)
        seen_set |= n
        seen_clear |= ~n
    free = ((1 << 128) - 1) & ~fixed
    assert seen_set & free == free and seen_clear & free == free
