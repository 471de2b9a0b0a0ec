"""Unit tests for bridge.wordpress against vectors made by real PHP.

Vectors were generated once with PHP 8.2.36 (Debian bookworm `php-cli`) and committed here,
so the tests never need PHP:
- `$P$` hashes: `(new PasswordHash(8, true))->HashPassword($pw)` with the real
  /usr/share/wordpress/wp-includes/class-phpass.php of the Debian `wordpress` package (6.1.9);
  fixed-salt ones with `->crypt_private($pw, '$P$B' . $salt)`.
- `$wp$2y$` hashes: WordPress 6.8 `wp_hash_password()`, i.e.
  `'$wp' . password_hash(base64_encode(hash_hmac('sha384', trim($pw), 'wp-sha384', true)), PASSWORD_BCRYPT, ['cost' => $c])`.
- `$generic$` hashes: `'$generic$' . sodium_bin2base64(sodium_crypto_generichash($pw, 'wp_fast_hash_6.8+', 30),
  SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING)` (WordPress 6.8 `wp_fast_hash()`).
- plain bcrypt: `password_hash($pw, PASSWORD_BCRYPT, ['cost' => 4])`; MD5: `md5($pw)`.
- serialized values: `serialize(...)`.
- capabilities: the real `WP_User::get_role_caps()` / `WP_Roles` of that WordPress package, loaded with
  stub functions (`get_user_meta`, `wp_roles`, a fake `$wpdb`) and `$wp_user_roles` set to ROLES_SERIALIZED.
"""

from __future__ import annotations

import re

import pytest

from bridge.wordpress import (
    check_password,
    chunk_application_password,
    effective_capabilities,
    fast_hash,
    generate_application_password,
    hash_password_phpass,
    hash_password_wp,
    match_application_password,
    new_application_password_item,
    normalize_application_password,
    php_dumps,
    php_loads,
    verify_fast_hash,
)

UNICODE_PW = "pässwörd ✓"
APP_PW = "abcdEFGH1234ijklMNOP5678"

PHP_HASHES = [
    ("phpass", "correct horse", "$P$BY8j9b7I6XJlZEPBS/ciqkk9gQmlkE."),
    ("phpass unicode", UNICODE_PW, "$P$Bl0HSEk109HlvdGE5jxIAcxYgDBWQg1"),
    ("phpass empty", "", "$P$BoepmfF026VIV6bzkuqTWF0w7d/REe0"),
    ("phpass cost 9 (crypt_private)", "correct horse", "$P$9abcdefghPDonBA7cb6Wv7y6IfLfEF."),
    ("wp 6.8 cost 10", "correct horse", "$wp$2y$10$e482bMr66b.62KHyt3wWueqdn1XE5VRl84kgaQXqEw2eJY3MNhC5u"),
    ("wp 6.8 unicode", UNICODE_PW, "$wp$2y$04$MUzycgKCBsjKd/B2NgXwFeC8Nx8W5.StMiy6zLT6IUAzrxoaqXoLS"),
    ("generic", "correct horse", "$generic$UXmSEHHlWHmuvc_VOFdJGL2KVqdjIDFJmRmKbjGr"),
    ("generic app password", APP_PW, "$generic$F6W18u0QEytvRVb59DemVWRxyTxU6vg_VK0s_f-h"),
    ("bcrypt 2y", "correct horse", "$2y$04$8LqyzoUeSIDV7btLIU6MOO5odG6sfhyHM9BsSuhq.Cf8zjQxfLrz2"),
    ("md5", "correct horse", "3cb4e732631f47e6eb961f34554b7cde"),
]

# Made by this module, then verified by PHP 8.2 (`password_verify` on substr($h, 3) of the pre-hash,
# class-phpass.php `CheckPassword`): WordPress accepts what the bridge writes.
PYTHON_HASHES_VERIFIED_BY_PHP = [
    (
        "wp 6.8 (hashed with surrounding spaces, trimmed)",
        UNICODE_PW,
        "$wp$2y$04$fzhzF.rIXBjmOFcvzAypk.9OuxuXsMUVjmKGPvYc4VeiP6xFmo.Se",
    ),
    ("phpass", UNICODE_PW, "$P$BwZqGSJABLd1KAdc099bXvEbrnG/0t1"),
]


@pytest.mark.parametrize(("label", "password", "stored"), PHP_HASHES + PYTHON_HASHES_VERIFIED_BY_PHP)
def test_check_password_accepts_right_and_rejects_wrong(label: str, password: str, stored: str) -> None:
    assert check_password(password, stored), label
    assert not check_password(password + "x", stored), label
    assert not check_password("Correct horse", stored), label


def test_prehash_reference_vector() -> None:
    """WordPress 6.8's bcrypt pre-hash of 'correct horse': base64(hmac-sha384('correct horse', 'wp-sha384')), same in PHP 8.2."""
    from bridge.wordpress import _prehash

    assert _prehash(b"correct horse") == b"iyBH75fzLT2U6HINiIugTDa560xXZVCknyWH3hO2FoF2OCUm4PI014GDz4jYWTf1"


def test_wp_check_does_not_trim_but_hash_does() -> None:
    """wp_hash_password trims, wp_check_password does not: WordPress's own asymmetry."""
    stored = hash_password_wp("  secret  ", rounds=4)
    assert check_password("secret", stored)
    assert not check_password("  secret  ", stored)


def test_bcrypt_behaves_like_php_password_verify() -> None:
    """PHP truncates bcrypt input at 72 bytes (pyca 5 would raise); the PHP hash of 72 × 'x'."""
    stored = "$2y$04$/u2Zq0pT5ajUdChWaI579.SS8vlIE75fI/7oFHSWr4JiAoRElpnQ."
    assert check_password("x" * 72, stored)
    assert check_password("x" * 80, stored)
    assert not check_password("x" * 71, stored)


def test_hash_password_phpass_matches_php_crypt_private() -> None:
    assert hash_password_phpass("correct horse", salt="abcdefgh") == "$P$BabcdefghKfdE7H4Uy7ajxpijsjAJW0"


def test_hash_password_phpass_shape_and_roundtrip() -> None:
    stored = hash_password_phpass(UNICODE_PW)
    assert re.fullmatch(r"\$P\$B[./0-9A-Za-z]{30}", stored)
    assert check_password(UNICODE_PW, stored)
    assert hash_password_phpass(UNICODE_PW) != stored
    with pytest.raises(ValueError):
        hash_password_phpass("x", salt="short")


def test_hash_password_wp_shape_and_roundtrip() -> None:
    stored = hash_password_wp("correct horse", rounds=4)
    assert re.fullmatch(r"\$wp\$2y\$04\$[./A-Za-z0-9]{53}", stored)
    assert check_password("correct horse", stored)
    assert not check_password("correct horsf", stored)


def test_fast_hash_matches_php_sodium() -> None:
    assert fast_hash("correct horse") == "$generic$UXmSEHHlWHmuvc_VOFdJGL2KVqdjIDFJmRmKbjGr"
    assert fast_hash(UNICODE_PW) == "$generic$NU7DmnTlII3V08SJZNY5WwaKV9gZOv3ryFrZeB9H"
    assert len(fast_hash("x")) == 49
    assert verify_fast_hash("correct horse", fast_hash("correct horse"))


def test_password_longer_than_4096_bytes_is_refused() -> None:
    """Checked after the MD5 branch, exactly where wp_check_password checks it."""
    long_pw = "a" * 4097
    assert not check_password(long_pw, fast_hash(long_pw))
    assert not check_password("ä" * 2049, fast_hash("ä" * 2049))
    assert check_password("a" * 4096, fast_hash("a" * 4096))
    with pytest.raises(ValueError):
        hash_password_phpass(long_pw)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        "$P$",
        "$P$B",
        "$P$!abcdefgh0123456789012345678901",
        "$P$Babcdefg",
        "$wp$",
        "$wp$argon2id$whatever-whatever-whatever-whatever",
        "$2y$10$tooshort-and-not-really-bcrypt-at-all-xxxxxxx",
        "$generic$",
        "$H$BY8j9b7I6XJlZEPBS/ciqkk9gQmlkE.",
        "ÿ" * 40,
        "\ud800" * 40,
    ],
)
def test_check_password_garbage_is_false_not_an_exception(stored: str) -> None:
    assert check_password("correct horse", stored) is False


@pytest.mark.parametrize(("password", "stored"), [(None, "x" * 40), ("pw", None), (b"pw", "x" * 40), ("\ud800", "abc")])
def test_check_password_wrong_types_are_false(password: object, stored: object) -> None:
    assert check_password(password, stored) is False  # type: ignore[arg-type]


# --- PHP serialization ---------------------------------------------------------------------

CAPS_SERIALIZED = 'a:3:{s:8:"customer";b:1;s:12:"branch_admin";b:1;s:17:"edit_own_customer";b:0;}'
APPS_SERIALIZED = (
    'a:1:{i:0;a:7:{s:4:"uuid";s:36:"0b7f9f7e-8d4a-4c4b-9f6e-1b2c3d4e5f60";s:6:"app_id";s:0:"";s:4:"name";'
    's:10:"Mobile app";s:8:"password";s:8:"$P$Bxxxx";s:7:"created";i:1718000000;s:9:"last_used";N;s:7:"last_ip";N;}}'
)
UNICODE_SERIALIZED = 'a:1:{s:4:"name";s:40:"Kantor Cabang Bandung – Jawa Barat ✓";}'


def test_php_loads_php_vectors() -> None:
    assert php_loads(CAPS_SERIALIZED) == {"customer": True, "branch_admin": True, "edit_own_customer": False}
    apps = php_loads(APPS_SERIALIZED.encode("utf-8"))
    assert list(apps) == [0]
    assert apps[0]["created"] == 1718000000 and apps[0]["last_used"] is None and apps[0]["app_id"] == ""
    assert php_loads(UNICODE_SERIALIZED) == {"name": "Kantor Cabang Bandung – Jawa Barat ✓"}


@pytest.mark.parametrize("text", [CAPS_SERIALIZED, APPS_SERIALIZED, UNICODE_SERIALIZED])
def test_php_dumps_reproduces_php_serialize(text: str) -> None:
    assert php_dumps(php_loads(text)) == text


def test_php_dumps_lists_and_scalars() -> None:
    dumped = php_dumps({"a": [1, 2.5, None, True, "ü"], 3: "x"})
    assert dumped == 'a:2:{s:1:"a";a:5:{i:0;i:1;i:1;d:2.5;i:2;N;i:3;b:1;i:4;s:2:"ü";}i:3;s:1:"x";}'


def test_php_loads_objects_become_dicts() -> None:
    assert php_loads('O:8:"stdClass":1:{s:1:"a";i:1;}') == {"a": 1}


@pytest.mark.parametrize(
    "data",
    [
        "",
        "not serialized",
        'a:2:{s:1:"a";b:1;',
        's:10:"short";',
        "a:1:{a:0:{}i:1;}",
        "a:999999999:{",
        "i:abc;",
        b"\xff\xfe",
        None,
        "\ud800",
        'C:3:"Foo":0:{}',
    ],
)
def test_php_loads_malformed_is_none(data: object) -> None:
    assert php_loads(data) is None  # type: ignore[arg-type]


def test_php_loads_invalid_utf8_is_replaced() -> None:
    assert php_loads(b's:2:"\xff\xfe";') == "\ufffd\ufffd"


# --- application passwords ------------------------------------------------------------------


def test_generate_application_password() -> None:
    pw = generate_application_password()
    assert re.fullmatch(r"[A-Za-z0-9]{24}", pw)
    assert generate_application_password() != pw


def test_chunk_and_normalize() -> None:
    assert chunk_application_password(APP_PW) == "abcd EFGH 1234 ijkl MNOP 5678"
    assert normalize_application_password("abcd EFGH-1234_ijkl\tMNOP ü5678") == APP_PW
    assert normalize_application_password(chunk_application_password(APP_PW)) == APP_PW


def test_new_item_shape() -> None:
    item = new_application_password_item("Mobile app", APP_PW, created=1718000000, app_id="app-1")
    assert list(item) == ["uuid", "app_id", "name", "password", "created", "last_used", "last_ip"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", item["uuid"])
    assert item["password"] == "$generic$F6W18u0QEytvRVb59DemVWRxyTxU6vg_VK0s_f-h"
    assert (item["app_id"], item["name"], item["created"], item["last_used"], item["last_ip"]) == (
        "app-1",
        "Mobile app",
        1718000000,
        None,
        None,
    )
    phpass_item = new_application_password_item("Old", APP_PW, hash_format="phpass")
    assert phpass_item["password"].startswith("$P$B") and isinstance(phpass_item["created"], int)
    with pytest.raises(ValueError):
        new_application_password_item("x", APP_PW, hash_format="argon2")


def test_new_item_serializes_like_wordpress() -> None:
    item = new_application_password_item("Mobile app", APP_PW, created=1718000000)
    loaded = php_loads(php_dumps([item]))
    assert loaded == {0: item}


def _stored_items() -> dict[int, object]:
    """As read from `_application_passwords` meta: a PHP list, with junk WordPress would skip."""
    return {
        0: "garbage",
        1: {"uuid": "no-password"},
        2: {"uuid": "u-int", "password": 12345},
        3: {"uuid": "u-phpass", "name": "Old app", "password": "$P$Bdx64IFiJsaUmtATKLPGdAmP1yKOe.."},
        4: {"uuid": "u-generic", "name": "New app", "password": "$generic$UXmSEHHlWHmuvc_VOFdJGL2KVqdjIDFJmRmKbjGr"},
    }


@pytest.mark.parametrize(
    "given",
    [APP_PW, "abcd EFGH 1234 ijkl MNOP 5678", "abcd-EFGH-1234-ijkl-MNOP-5678", " abcd_EFGH_1234 ijkl MNOP 5678 "],
)
def test_match_phpass_item_with_spaces_and_dashes(given: str) -> None:
    match = match_application_password(given, _stored_items())
    assert match is not None and match["uuid"] == "u-phpass"


def test_match_generic_item_and_list_input() -> None:
    items = [new_application_password_item("A", "wxyzWXYZ0000wxyzWXYZ0000"), _stored_items()[4]]
    match = match_application_password("wxyz WXYZ 0000 wxyz WXYZ 0000", items)
    assert match is items[0]
    assert match_application_password("correcthorse", items) is None
    assert match_application_password("correct horse", [_stored_items()[4]]) is None


def test_match_first_wins() -> None:
    first = new_application_password_item("first", APP_PW)
    second = new_application_password_item("second", APP_PW, hash_format="phpass")
    assert match_application_password(APP_PW, [first, second]) is first


@pytest.mark.parametrize("items", [None, "x", 42, [], {}, [None, 1, "a"], {"a": {"password": None}}])
def test_match_tolerates_malformed_items(items: object) -> None:
    assert match_application_password(APP_PW, items) is None


def test_match_wrong_and_empty_passwords() -> None:
    assert match_application_password("abcdEFGH1234ijklMNOP5679", _stored_items()) is None
    assert match_application_password(" - ", _stored_items()) is None
    assert match_application_password(None, _stored_items()) is None  # type: ignore[arg-type]


# --- roles and capabilities -----------------------------------------------------------------

ROLES_SERIALIZED = (
    'a:3:{s:13:"administrator";a:2:{s:4:"name";s:13:"Administrator";s:12:"capabilities";a:3:{s:14:"manage_options";b:1;'
    's:18:"edit_all_customers";b:1;s:18:"view_customer_list";b:1;}}s:8:"customer";a:2:{s:4:"name";s:8:"Customer";'
    's:12:"capabilities";a:4:{s:4:"read";b:1;s:18:"view_customer_list";b:1;s:17:"edit_own_customer";b:1;'
    's:15:"delete_customer";b:0;}}s:12:"branch_admin";a:2:{s:4:"name";s:12:"Branch Admin";s:12:"capabilities";'
    'a:4:{s:4:"read";b:1;s:25:"view_customer_branch_list";b:1;s:24:"edit_own_customer_branch";b:1;'
    's:15:"delete_customer";b:1;}}}'
)
ROLES = php_loads(ROLES_SERIALIZED)

# (user capabilities meta, roles and allcaps from the real WP_User::get_role_caps())
WP_CASES = {
    "user caps override role caps": (
        {"customer": True, "edit_own_customer": False, "delete_customer": True},
        ["customer"],
        {
            "read": True,
            "view_customer_list": True,
            "edit_own_customer": False,
            "delete_customer": True,
            "customer": True,
        },
    ),
    "unknown role is ignored": (
        {"ghost_role": True, "customer": True},
        ["customer"],
        {
            "read": True,
            "view_customer_list": True,
            "edit_own_customer": True,
            "delete_customer": False,
            "ghost_role": True,
            "customer": True,
        },
    ),
    "multiple roles merge, later role wins": (
        {"customer": True, "branch_admin": True},
        ["customer", "branch_admin"],
        {
            "read": True,
            "view_customer_list": True,
            "edit_own_customer": True,
            "delete_customer": True,
            "view_customer_branch_list": True,
            "edit_own_customer_branch": True,
            "customer": True,
            "branch_admin": True,
        },
    ),
}


@pytest.mark.parametrize("label", list(WP_CASES))
def test_effective_capabilities_matches_wordpress(label: str) -> None:
    user_caps, roles, allcaps = WP_CASES[label]
    assert effective_capabilities(user_caps, ROLES) == (roles, allcaps)


def test_false_user_cap_removes_role_cap() -> None:
    roles, caps = effective_capabilities(php_loads(CAPS_SERIALIZED), ROLES)
    assert roles == ["customer", "branch_admin"]
    assert caps["edit_own_customer"] is False
    assert caps["delete_customer"] is True and caps["customer"] is True and caps["branch_admin"] is True


def test_role_held_with_false_value_is_not_held() -> None:
    """Stricter than WordPress, whose get_role_caps still returns roles ['customer'] and its caps here."""
    roles, caps = effective_capabilities({"customer": False, "view_customer_branch_list": True}, ROLES)
    assert roles == []
    assert caps == {"customer": False, "view_customer_branch_list": True}


def test_php_truthiness_of_values() -> None:
    roles, caps = effective_capabilities({"customer": "1", "read": "0", "edit_own_customer": 0, "x": "yes"}, ROLES)
    assert roles == ["customer"]
    assert caps["read"] is False and caps["edit_own_customer"] is False and caps["x"] is True
    assert caps["view_customer_list"] is True


@pytest.mark.parametrize(
    ("user_caps", "role_defs"),
    [
        (None, None),
        ("a:1:{", ROLES),
        ({"customer": True}, None),
        ({"customer": True}, {"customer": "broken"}),
        ({"customer": True}, {"customer": {"name": "Customer", "capabilities": "broken"}}),
        ({0: "administrator"}, ROLES),
    ],
)
def test_effective_capabilities_malformed_input(user_caps: object, role_defs: object) -> None:
    roles, caps = effective_capabilities(user_caps, role_defs)  # type: ignore[arg-type]
    assert "administrator" not in roles
    assert all(isinstance(k, str) and isinstance(v, bool) for k, v in caps.items())
