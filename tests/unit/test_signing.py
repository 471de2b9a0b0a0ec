"""Unit tests for bridge.signing.

tests/vectors/signature.json was computed by PHP 8.2 (`hash`, `hash_hmac`) independently of the
Python code; the PHP shim's tests read the same file, so both sides agree byte for byte.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bridge.signing import (
    HEADER_ACCESS,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    HEADER_USER,
    SignatureError,
    sign,
    signed_headers,
    string_to_sign,
    verify,
)
from tests.support.paths import ROOT

VECTORS: list[dict[str, Any]] = json.loads((ROOT / "tests" / "vectors" / "signature.json").read_text(encoding="utf-8"))[
    "vectors"
]
SECRET = "test-shared-secret-0123456789abcdef"
TARGET = "/wp-json/wp-customer/v1/datatables/customers?draw=1&search%5Bvalue%5D=maju"
BODY = b"draw=1&start=0&length=10"
NOW = 1718000000


def _headers(**overrides: str | None) -> dict[str, str]:
    headers = signed_headers(SECRET, "POST", TARGET, 42, BODY, timestamp=NOW, nonce="abcdefghijklmnop")
    for name, value in overrides.items():
        key = {"user": HEADER_USER, "ts": HEADER_TIMESTAMP, "nonce": HEADER_NONCE, "sig": HEADER_SIGNATURE}[name]
        if value is None:
            del headers[key]
        else:
            headers[key] = value
    return headers


def _code(headers: dict[str, str], **kwargs: Any) -> str:
    args: dict[str, Any] = {"secret": SECRET, "method": "POST", "path_and_query": TARGET, "body": BODY, "now": NOW}
    args.update(kwargs)
    with pytest.raises(SignatureError) as info:
        verify(headers=headers, **args)
    return info.value.code


def test_vector_file_covers_the_cases() -> None:
    names = {v["name"] for v in VECTORS}
    assert len(VECTORS) >= 6
    assert {"user_0_logged_out_visitor", "post_json_body_unicode", "post_empty_body"} <= names
    assert {"access_statement_granted", "access_statement_withdrawn", "access_statement_permissions"} <= names


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vectors(vector: dict[str, Any]) -> None:
    body = vector["body"].encode("utf-8")
    ts, user = str(vector["timestamp"]), str(vector["user"])
    access = vector.get("access", "")
    args = (vector["method"], vector["path_and_query"], ts, vector["nonce"], user, body, access)
    assert string_to_sign(*args) == vector["string_to_sign"]
    assert sign(vector["secret"], *args) == vector["signature"]

    headers = signed_headers(
        vector["secret"],
        vector["method"],
        vector["path_and_query"],
        vector["user"],
        body,
        timestamp=vector["timestamp"],
        nonce=vector["nonce"],
        access=access,
    )
    assert headers == {
        HEADER_USER: user,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: vector["nonce"],
        HEADER_SIGNATURE: vector["signature"],
        **({HEADER_ACCESS: access} if access else {}),
    }
    lower = {k.lower(): v for k, v in headers.items()}
    assert (
        verify(vector["secret"], vector["method"], vector["path_and_query"], lower, body, now=vector["timestamp"] + 299)
        == vector["user"]
    )
    if access:  # the statement is signed: dropping or changing it breaks the signature
        for forged in (
            {k: v for k, v in lower.items() if k != HEADER_ACCESS.lower()},
            {**lower, HEADER_ACCESS.lower(): "customer=admin"},
        ):
            with pytest.raises(SignatureError) as info:
                verify(
                    vector["secret"], vector["method"], vector["path_and_query"], forged, body, now=vector["timestamp"]
                )
            assert info.value.code == "wpbridge_signature_invalid"


def test_string_to_sign_shape() -> None:
    text = string_to_sign("get", "/a/b", "1", "n" * 16, "0", b"")
    assert text.split("\n") == [
        "GET",
        "/a/b",
        "1",
        "n" * 16,
        "0",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ]


def test_signed_headers_defaults() -> None:
    headers = signed_headers(SECRET, "get", "/x", 5)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,128}", headers[HEADER_NONCE])
    assert signed_headers(SECRET, "get", "/x", 5)[HEADER_NONCE] != headers[HEADER_NONCE]
    assert headers[HEADER_USER] == "5"
    now = int(headers[HEADER_TIMESTAMP])
    assert verify(SECRET, "GET", "/x", headers, b"", now=now) == 5


def test_verify_ok_and_case_insensitive_headers() -> None:
    assert verify(SECRET, "post", TARGET, _headers(), BODY, now=NOW) == 42
    mixed = {k.upper(): v for k, v in _headers().items()}
    assert verify(SECRET, "POST", TARGET, mixed, BODY, now=NOW) == 42
    upper_sig = _headers(sig=_headers()[HEADER_SIGNATURE].upper())
    assert verify(SECRET, "POST", TARGET, upper_sig, BODY, now=NOW) == 42


@pytest.mark.parametrize(
    ("kwargs", "label"),
    [
        ({"body": BODY + b"&x=1"}, "tampered body"),
        ({"body": b""}, "body dropped"),
        ({"path_and_query": TARGET.replace("maju", "jaya")}, "tampered query"),
        ({"path_and_query": TARGET.split("?")[0]}, "query dropped"),
        ({"path_and_query": TARGET.replace("%5B", "[").replace("%5D", "]")}, "query re-encoded"),
        ({"method": "GET"}, "other method"),
        ({"secret": SECRET + "x"}, "wrong secret"),
    ],
)
def test_tampering_is_invalid(kwargs: dict[str, Any], label: str) -> None:
    assert _code(_headers(), **kwargs) == "wpbridge_signature_invalid", label


@pytest.mark.parametrize(
    "overrides",
    [
        {"user": "43"},
        {"nonce": "abcdefghijklmnoq"},
        {"ts": str(NOW + 1)},
        {"sig": "0" * 64},
        {"sig": "not hex at all ✓"},
        {"user": "042"},
    ],
)
def test_changed_header_is_invalid(overrides: dict[str, str]) -> None:
    assert _code(_headers(**overrides)) == "wpbridge_signature_invalid"


@pytest.mark.parametrize(("offset", "ok"), [(-300, True), (300, True), (-301, False), (301, False), (-86400, False)])
def test_timestamp_window(offset: int, ok: bool) -> None:
    """`now` is the bridge's clock; a request signed 301 s in the past or the future is refused."""
    headers = signed_headers(SECRET, "POST", TARGET, 42, BODY, timestamp=NOW + offset, nonce="abcdefghijklmnop")
    if ok:
        assert verify(SECRET, "POST", TARGET, headers, BODY, now=NOW) == 42
    else:
        assert _code(headers) == "wpbridge_signature_expired"


def test_expired_with_custom_skew() -> None:
    headers = _headers()
    assert _code(headers, now=NOW + 61, max_skew=60) == "wpbridge_signature_expired"
    assert verify(SECRET, "POST", TARGET, headers, BODY, now=NOW + 60, max_skew=60) == 42


@pytest.mark.parametrize("missing", ["user", "ts", "nonce", "sig"])
def test_missing_header(missing: str) -> None:
    assert _code(_headers(**{missing: None})) == "wpbridge_signature_missing"
    assert _code(_headers(**{missing: ""})) == "wpbridge_signature_missing"


def test_no_headers_at_all() -> None:
    assert _code({}) == "wpbridge_signature_missing"


@pytest.mark.parametrize(
    "overrides",
    [
        {"user": "-1"},
        {"user": "abc"},
        {"user": "4.2"},
        {"user": " 42"},
        {"user": "42\n"},
        {"user": "٤٢"},
        {"ts": "17e8"},
        {"ts": "1718000000.5"},
        {"ts": "now"},
        {"nonce": "short"},
        {"nonce": "a" * 15},
        {"nonce": "a" * 129},
        {"nonce": "abcdefghijklmno/"},
        {"nonce": "abcdefghijklmno="},
        {"nonce": "abcdefghijklmnoé"},
    ],
)
def test_malformed_headers(overrides: dict[str, str]) -> None:
    assert _code(_headers(**overrides)) == "wpbridge_signature_malformed"


def test_user_zero_is_the_logged_out_visitor() -> None:
    headers = signed_headers(SECRET, "GET", "/wp-json/wp-customer/v1/users/me", 0, timestamp=NOW)
    assert verify(SECRET, "GET", "/wp-json/wp-customer/v1/users/me", headers, b"", now=NOW) == 0


def test_nonce_boundaries_accepted() -> None:
    for nonce in ("a" * 16, "Z-_9" * 32):
        headers = signed_headers(SECRET, "GET", "/x", 1, timestamp=NOW, nonce=nonce)
        assert verify(SECRET, "GET", "/x", headers, b"", now=NOW) == 1


def test_replay_is_not_checked_here() -> None:
    """Replay protection is the caller's nonce store; verify alone accepts the same request twice."""
    headers = _headers()
    assert verify(SECRET, "POST", TARGET, headers, BODY, now=NOW) == 42
    assert verify(SECRET, "POST", TARGET, headers, BODY, now=NOW) == 42


def test_error_carries_code_and_message() -> None:
    with pytest.raises(SignatureError) as info:
        verify(SECRET, "POST", TARGET, _headers(user="x"), BODY, now=NOW)
    assert info.value.code == "wpbridge_signature_malformed"
    assert HEADER_USER in str(info.value)
