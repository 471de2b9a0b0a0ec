"""WordPress's cookie and nonce in Python agree with WordPress 6.1's own functions (bridge/wp_cookie/).

tests/vectors/wp_cookie.json holds, for six site configurations (keys in wp-config.php, keys in
the options, SECRET_KEY with duplicated and placeholder keys, a multisite network, a defined
COOKIEHASH, an empty site URL), what PHP answered with WordPress's wp_salt,
wp_cookie_constants, wp_generate_auth_cookie, wp_validate_auth_cookie, wp_create_nonce and
wp_verify_nonce (tests/vectors/wp_cookie.php). ``test_vectors_*`` check the Python against the
file; ``test_vector_file_is_what_wordpress_computes`` runs PHP again and compares.
Regenerate with ``.venv/bin/python -m tests.unit.test_wp_cookie``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bridge.settings import SettingsError
from bridge.settings_env import load_settings
from bridge.wordpress import php_dumps
from bridge.wp_config import UNREADABLE, WPConfigError, parse_wp_config, read_wp_config
from bridge.wp_cookie.cookie import cookie_expired, cookie_valid_for, generate_auth_cookie, parse_auth_cookie
from bridge.wp_cookie.keys import PLACEHOLDER, logged_in_cookie_name, wp_salt
from bridge.wp_cookie.nonce import create_nonce, nonce_tick, verify_nonce
from tests.support.paths import ROOT

VECTORS = ROOT / "tests" / "vectors" / "wp_cookie.json"
PHP_SCRIPT = ROOT / "tests" / "vectors" / "wp_cookie.php"
WORDPRESS = Path("/usr/share/wordpress/wp-includes/pluggable.php")
FAR = 4102444800  # 2100-01-01: not expired whenever PHP runs
PAST = 1000000000  # 2001: expired whenever PHP runs
NOW = 1718000000  # the clock the Python checks use (between the two)
TICK = nonce_tick(NOW)

TOKENS = {
    "live": "tKQmD4eWc0jb8sQ1n7RrX2yYzA5vG6hL9pF3uN0oE1i",
    "int_form": "Zx8Vb7Nm6Lk5Jh4Gf3Ds2Aq1Wp0Oe9Ir8Ut7Yw6Qa5",
    "session_expired": "Hq2Jw3Ke4Lr5Mt6Ny7Bu8Vi9Co0Xp1Za2Sd3Fg4Hj5",
    "logged_out": "Pp9Oo8Ii7Uu6Yy5Tt4Rr3Ee2Ww1Qq0Aa9Ss8Dd7Ff6",
    "editor": "Ed1tOrT0kEnAbCdEfGhIjKlMnOpQrStUvWxYz012345",
}


def _sessions(*entries: tuple[str, Any]) -> str:
    """``session_tokens`` as WordPress stores it: sha256(token) → session (or a bare expiration)."""
    return php_dumps({hashlib.sha256(TOKENS[name].encode()).hexdigest(): value for name, value in entries})


USERS = [
    {
        "ID": 1,
        "user_login": "admin",
        "user_pass": "$P$BZlPX7NIx8MYpXokBW2AGsN7i.aUOt0",
        "session_tokens": _sessions(
            ("live", {"expiration": FAR, "ip": "127.0.0.1", "ua": "Firefox", "login": NOW}),
            ("int_form", FAR),
            ("session_expired", {"expiration": PAST, "ip": "127.0.0.1", "ua": "Firefox", "login": PAST - 86400}),
        ),
    },
    {
        "ID": 2,
        "user_login": "editor two",
        "user_pass": "$wp$2y$10$9kQhC5OQ0P0UQw1VXKlJ9eYt6yQzG7n8uB1mJ2dT3vR4sW5xZ6a7C",
        "session_tokens": _sessions(("editor", {"expiration": FAR, "ip": "::1", "ua": "Chrome", "login": NOW})),
    },
    {"ID": 3, "user_login": "nosessions", "user_pass": "$P$Bq1w2e3r4t5y6u7i8o9p0a1s2d3f4g.", "session_tokens": None},
]

KEYS = {
    "AUTH_KEY": "k0$zK!f^Xo/q%-2dA]pR?n1@W~c&Bv,+e8Lg|Yh(T#=jU<M)_s9E{y.;r3i:wNb",
    "SECURE_AUTH_KEY": "Sa*7Hn[2Lm}Q6vB^xZ1-cR=9pT+kE<d4yU>o0i)8wF(gJ#3eN!5tA@bC%mV&sD|",
    "LOGGED_IN_KEY": "Li`3Kq'5Wz\"7Xs\\9Cd~1Vf+2Bg=4Nh-6Mj_8Lk;0Po:Qa,Ws.Ed<Rf>Tg?Yh/Uj",
    "NONCE_KEY": "No8Ik7Uj6Yh5Tg4Rf3Ed2Ws1Qa0Pl9Ok8Ij7Uh6Yg5Tf4Rd3Es2Wa1Qz0Xc9Vb",
    "AUTH_SALT": "As1Dfg2Hjk3Lqw4Ert5Yui6Opz7Xcv8Bnm9Qaz0Wsx1Edc2Rfv3Tgb4Yhn5Ujm6",
    "SECURE_AUTH_SALT": "Ss9Ik8Ol7P0Uj6Yh5Tg4Rf3Ed2Ws1Qa0Zx9Cv8Bn7Mm6Nn5Bb4Vv3Cc2Xx1Zz0A",
    "LOGGED_IN_SALT": "Ls5Gt6Hy7Ju8Ki9Lo0Pa1Sd2Fg3Hj4Kl5Zx6Cv7Bn8Mq9We0Rt1Yu2Io3Pa4Sd5",
    "NONCE_SALT": "Ns2Wx3Ec4Rv5Tb6Yn7Um8Ik9Ol0Pq1Aw2Se3Dr4Ft5Gy6Hu7Ji8Ko9Lp0Zm1Xn2",
}
OPTION_KEYS = {
    "logged_in_key": "ok-Lk1|Qw2;Er3:Ty4<Ui5>Op6?As7/Df8~Gh9`Jk0!Zx1@Cv2#Bn3$Nm4%Mq5^W",
    "logged_in_salt": "ok-Ls6&Rt7*Yu8(Io9)Pa0-Sd1_Fg2+Hj3=Kl4{Zx5}Cv6[Bn7]Nm8\\Mq9 We0R",
    "nonce_key": "ok-Nk1.Ab2,Cd3;Ef4:Gh5'Ij6\"Kl7<Mn8>Op9?Qr0/St1~Uv2`Wx3!Yz4@Aa5#B",
    "nonce_salt": "ok-Ns9$Ba8%Dc7^Fe6&Hg5*Ji4(Lk3)Nm2-Po1_Rq0+Ts9=Vu8{Xw7}Zy6[Aa5]B",
}

CONFIGS: list[dict[str, Any]] = [
    {"name": "keys_in_wp_config", "defines": KEYS, "options": {"siteurl": "http://example.com"}},
    {"name": "keys_in_options", "defines": {}, "options": {**OPTION_KEYS, "siteurl": "https://example.com/wordpress"}},
    {
        "name": "secret_key_placeholder_duplicates",
        "defines": {
            "AUTH_KEY": KEYS["AUTH_KEY"],
            "SECRET_KEY": "Sk-the-old-single-secret-key-of-wordpress-2.5-0123456789abcdef",
            "SECRET_SALT": "Ss-the-old-single-secret-salt",
            "LOGGED_IN_KEY": PLACEHOLDER,
            "LOGGED_IN_SALT": KEYS["LOGGED_IN_SALT"],
            "NONCE_KEY": KEYS["AUTH_KEY"],
            "NONCE_SALT": "0",
            "WP_SITEURL": "http://example.com/wp/",
        },
        "options": {**OPTION_KEYS, "siteurl": "http://not-this.example"},
    },
    {
        "name": "multisite_network",
        "defines": {
            "MULTISITE": True,
            "SITE_ID_CURRENT_SITE": 1,
            "LOGGED_IN_KEY": KEYS["LOGGED_IN_KEY"],
            "NONCE_KEY": KEYS["NONCE_KEY"],
            "NONCE_SALT": KEYS["NONCE_SALT"],
            "WP_SITEURL": "http://site-two.example.com",
        },
        "options": {**OPTION_KEYS, "siteurl": "http://network.example.com"},
    },
    {
        "name": "cookiehash_defined",
        "defines": {**KEYS, "COOKIEHASH": "my-own-hash"},
        "options": {"siteurl": "http://x"},
    },
    {"name": "empty_siteurl", "defines": KEYS, "options": {"siteurl": ""}},
]


def _run_php(config: dict[str, Any], operations: list[dict[str, Any]]) -> list[Any]:
    payload = {"defines": config["defines"], "options": config["options"], "users": USERS, "operations": operations}
    run = subprocess.run(
        ["php", str(PHP_SCRIPT)], input=json.dumps(payload), capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _tampered(cookie: str, field: int, value: str) -> str:
    parts = cookie.split("|")
    parts[field] = value
    return "|".join(parts)


def generate() -> dict[str, Any]:
    """Ask PHP (WordPress's functions) for every vector: cookies and nonces first, then their checks."""
    out: list[dict[str, Any]] = []
    minting = [
        ("admin_live", 1, FAR, "live"),
        ("admin_int_form_session", 1, FAR, "int_form"),
        ("admin_session_expired", 1, FAR, "session_expired"),
        ("admin_logged_out", 1, FAR, "logged_out"),
        ("admin_cookie_expired", 1, PAST, "live"),
        ("editor_live", 2, FAR, "editor"),
        ("nosessions", 3, FAR, "live"),
    ]
    nonce_specs = [
        ("admin_now", 1, "live", TICK),
        ("admin_previous_tick", 1, "live", TICK - 1),
        ("admin_two_ticks_ago", 1, "live", TICK - 2),
        ("admin_next_tick", 1, "live", TICK + 1),
        ("admin_other_session", 1, "int_form", TICK),
        ("editor_now", 2, "editor", TICK),
        ("logged_out_now", 0, None, TICK),
    ]
    for config in CONFIGS:
        ops: list[dict[str, Any]] = [{"op": "constants"}]
        ops += [{"op": "generate_cookie", "user": u, "expiration": e, "token": TOKENS[t]} for _, u, e, t in minting]
        ops += [
            {"op": "create_nonce", "uid": uid, "tick": tick, "cookie": f"x|{FAR}|{TOKENS[tok]}|x" if tok else ""}
            for _, uid, tok, tick in nonce_specs
        ]
        answers = _run_php(config, ops)
        constants, cookie_values = answers[0], answers[1 : 1 + len(minting)]
        nonce_values = answers[1 + len(minting) :]
        cookies = {
            name: {"user": u, "expiration": e, "token": TOKENS[t], "cookie": value}
            for (name, u, e, t), value in zip(minting, cookie_values, strict=True)
        }
        nonces = {
            name: {"uid": uid, "token": TOKENS[tok] if tok else "", "tick": tick, "nonce": value}
            for (name, uid, tok, tick), value in zip(nonce_specs, nonce_values, strict=True)
        }
        live = cookies["admin_live"]["cookie"]
        checks = [(name, c["cookie"], "GET") for name, c in cookies.items()]
        checks += [
            ("admin_cookie_expired_post", cookies["admin_cookie_expired"]["cookie"], "POST"),
            ("admin_live_post", live, "POST"),
            ("hmac_last_character_changed", live[:-1] + ("0" if live[-1] != "0" else "1"), "GET"),
            ("hmac_upper_case", _tampered(live, 3, live.split("|")[3].upper()), "GET"),
            ("expiration_changed", _tampered(live, 1, str(FAR + 1)), "GET"),
            ("login_of_another_user", _tampered(live, 0, "editor two"), "GET"),
            ("token_of_another_session", _tampered(live, 2, TOKENS["int_form"]), "GET"),
            ("unknown_login", _tampered(live, 0, "nobody"), "GET"),
            ("three_fields", live.rsplit("|", 1)[0], "GET"),
            ("five_fields", live + "|extra", "GET"),
            ("empty", "", "GET"),
            ("other_sites_cookie", _other_site_cookie(config), "GET"),
        ]
        verdicts = _run_php(
            config, [{"op": "validate_cookie", "cookie": cookie, "method": method} for _, cookie, method in checks]
        )
        validations = [
            {"name": name, "cookie": cookie, "method": method, "user": verdict}
            for (name, cookie, method), verdict in zip(checks, verdicts, strict=True)
        ]
        probes = [
            ("current_tick", "admin_now", 1, "live"),
            ("previous_tick", "admin_previous_tick", 1, "live"),
            ("two_ticks_ago", "admin_two_ticks_ago", 1, "live"),
            ("next_tick", "admin_next_tick", 1, "live"),
            ("other_users_nonce", "editor_now", 1, "live"),
            ("own_nonce_other_session", "admin_other_session", 1, "live"),
            ("admin_nonce_as_editor", "admin_now", 2, "editor"),
            ("logged_out_nonce_as_logged_out", "logged_out_now", 0, None),
            ("admin_nonce_as_logged_out", "admin_now", 0, None),
        ]
        verify_ops = [
            {
                "op": "verify_nonce",
                "nonce": nonces[source]["nonce"],
                "uid": uid,
                "tick": TICK,
                "cookie": f"x|{FAR}|{TOKENS[tok]}|x" if tok else "",
            }
            for _, source, uid, tok in probes
        ]
        verify_ops.append({"op": "verify_nonce", "nonce": "", "uid": 1, "tick": TICK, "cookie": f"x|{FAR}|x|x"})
        results = _run_php(config, verify_ops)
        verifications = [
            {
                "name": name,
                "nonce": op["nonce"],
                "uid": op["uid"],
                "token": op["cookie"].split("|")[2] if op["cookie"] else "",
                "tick": TICK,
                "result": result,
            }
            for (name, *_), op, result in zip([*probes, ("empty_nonce",)], verify_ops, results, strict=True)
        ]
        out.append(
            {
                **config,
                "expect": constants,
                "cookies": cookies,
                "validations": validations,
                "nonces": nonces,
                "verifications": verifications,
            }
        )
    return {
        "about": (
            "WordPress 6.1's logged-in cookie and REST nonce, computed by PHP with WordPress's own functions "
            "(tests/vectors/wp_cookie.php; Debian's wordpress package) and checked by the bridge's Python "
            "(tests/unit/test_wp_cookie.py). Validations ran with PHP's clock: expirations 4102444800 are in the "
            "future and 1000000000 in the past for any run; nonce ticks were fixed through the nonce_life filter."
        ),
        "users": USERS,
        "configs": out,
    }


def _other_site_cookie(config: dict[str, Any]) -> str:
    """The admin's live cookie as another site (other keys) would mint it: valid there, not here."""
    other = "keys_in_options" if config["name"] != "keys_in_options" else "keys_in_wp_config"
    salt = _salt(next(c for c in CONFIGS if c["name"] == other), "logged_in")
    assert salt is not None
    return generate_auth_cookie(salt, "admin", USERS[0]["user_pass"], FAR, TOKENS["live"])


def _salt(config: dict[str, Any], scheme: str) -> str | None:
    return wp_salt(scheme, config["defines"], config["options"].get)


FILE: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8")) if VECTORS.exists() else {"configs": []}
IDS = [c["name"] for c in FILE["configs"]]


def test_vector_file_covers_the_cases() -> None:
    """Six configurations, each with refused cookies (tampered, expired, logged out, another site's)
    and refused nonces (stale, another user's or session's) next to accepted ones."""
    assert [c["name"] for c in FILE["configs"]] == [c["name"] for c in CONFIGS]
    for config in FILE["configs"]:
        verdicts = {v["name"]: v["user"] for v in config["validations"]}
        assert verdicts["admin_live"] == 1 and verdicts["editor_live"] == 2 and verdicts["admin_live_post"] == 1
        assert verdicts["admin_logged_out"] is False and verdicts["other_sites_cookie"] is False
        results = {v["name"]: v["result"] for v in config["verifications"]}
        assert results["current_tick"] == 1 and results["previous_tick"] == 2 and results["two_ticks_ago"] is False


@pytest.mark.parametrize("config", FILE["configs"], ids=IDS)
def test_vectors_salts_and_cookie_name(config: dict[str, Any]) -> None:
    """wp_salt's fallbacks (options, SECRET_KEY, placeholder and duplicated keys) and the cookie's
    name (COOKIEHASH from the site URL, WP_SITEURL on a single site only, a defined COOKIEHASH)."""
    multisite = bool(config["defines"].get("MULTISITE"))
    assert _salt(config, "logged_in") == config["expect"]["salt_logged_in"]
    assert _salt(config, "nonce") == config["expect"]["salt_nonce"]
    name = logged_in_cookie_name(config["defines"], multisite, config["options"].get("siteurl"))
    assert name == config["expect"]["LOGGED_IN_COOKIE"] == "wordpress_logged_in_" + config["expect"]["COOKIEHASH"]


@pytest.mark.parametrize("config", FILE["configs"], ids=IDS)
def test_vectors_cookies(config: dict[str, Any]) -> None:
    """Python mints WordPress's cookies and reaches wp_validate_auth_cookie's verdict on each variant."""
    salt = config["expect"]["salt_logged_in"]
    users = {u["user_login"]: u for u in FILE["users"]}
    by_id = {u["ID"]: u for u in FILE["users"]}
    for name, c in config["cookies"].items():
        user = by_id[c["user"]]
        assert (
            generate_auth_cookie(salt, user["user_login"], user["user_pass"], c["expiration"], c["token"])
            == c["cookie"]
        ), name
    for v in config["validations"]:
        cookie = parse_auth_cookie(v["cookie"].encode())
        verdict: int | bool = False
        if cookie is not None and not cookie_expired(cookie, NOW, v["method"] == "POST"):
            user = users.get(cookie.username.decode())
            if user and cookie_valid_for(cookie, salt, user["user_pass"], user["session_tokens"], NOW):
                verdict = user["ID"]
        assert verdict == v["user"], v["name"]


@pytest.mark.parametrize("config", FILE["configs"], ids=IDS)
def test_vectors_nonces(config: dict[str, Any]) -> None:
    """wp_create_nonce and wp_verify_nonce: this tick and the previous one only, bound to user and session."""
    salt = config["expect"]["salt_nonce"]
    for name, n in config["nonces"].items():
        assert create_nonce(salt, n["tick"], "wp_rest", n["uid"], n["token"]) == n["nonce"], name
    for v in config["verifications"]:
        at = (v["tick"] - 0.5) * 43200  # a clock inside that tick
        assert verify_nonce(salt, v["nonce"], "wp_rest", v["uid"], v["token"], at) == (v["result"] or 0), v["name"]


@pytest.mark.skipif(
    shutil.which("php") is None or not WORDPRESS.exists(),
    reason="needs php-cli and Debian's wordpress package (scripts/ensure-test-packages.sh installs both)",
)
def test_vector_file_is_what_wordpress_computes() -> None:
    """PHP, running WordPress's own functions, gives today exactly what the file holds."""
    assert generate() == FILE


# --- wp-config.php read as text ---------------------------------------------------------------------

WP_CONFIG = r"""<?php
/** The base configuration for WordPress */
define( 'DB_NAME', 'wordpress' );
define('LOGGED_IN_KEY',    'a\'b\\c\d$e');
define( "LOGGED_IN_SALT", "tab\there\x41\101\u{263A}\$notavar" );
// define( 'NONCE_KEY', 'commented out' );
# define( 'NONCE_KEY', 'commented out too' );
/* define( 'NONCE_KEY', 'and in a block' ); */
define( 'NONCE_KEY', 'real nonce key' ); // a trailing comment
DEFINE ( 'NONCE_SALT' , 'upper-case define, spaces' ) ;
define( 'WP_HOME', 'http://' . $_SERVER['HTTP_HOST'] );
define( 'AUTH_KEY', getenv( 'AUTH_KEY' ) );
define( 'SECURE_AUTH_KEY', "interpolated $secret" );
define( 'MULTISITE', true );
define( 'SITE_ID_CURRENT_SITE', 7 );
define( 'WP_DEBUG', false );
if ( $a ) { define( 'TWICE', 'one' ); } else { define( 'TWICE', 'two' ); }
define( 'SAME_TWICE', 'x' ); define( 'SAME_TWICE', 'x' );
$object->define( 'METHOD', 'not a constant' );
$table_prefix = 'wp_';
?>
<p>define( 'HTML', 'outside PHP' );</p>
"""


def test_wp_config_reads_only_literal_defines() -> None:
    """Single- and double-quoted strings with their escapes, integers and booleans are read; comments,
    HTML outside PHP and method calls are skipped; expressions and conflicting twins are unreadable."""
    defines = parse_wp_config(WP_CONFIG)
    assert defines["LOGGED_IN_KEY"] == "a'b\\c\\d$e"
    assert defines["LOGGED_IN_SALT"] == "tab\thereAA\u263a$notavar"
    assert defines["NONCE_KEY"] == "real nonce key"
    assert defines["NONCE_SALT"] == "upper-case define, spaces"
    assert defines["MULTISITE"] is True and defines["SITE_ID_CURRENT_SITE"] == 7 and defines["WP_DEBUG"] is False
    assert defines["WP_HOME"] is UNREADABLE and defines["AUTH_KEY"] is UNREADABLE
    assert defines["SECURE_AUTH_KEY"] is UNREADABLE and defines["TWICE"] is UNREADABLE
    assert defines["SAME_TWICE"] == "x"
    assert "METHOD" not in defines and "HTML" not in defines


def test_wp_config_unreadable_key_is_refused_without_its_value(tmp_path: Path) -> None:
    """A key the bridge needs, defined by an expression, stops the start naming it (never a value)."""
    path = tmp_path / "wp-config.php"
    path.write_text(WP_CONFIG)
    with pytest.raises(WPConfigError) as info:
        read_wp_config(str(path))
    assert "AUTH_KEY" in str(info.value) and "SECURE_AUTH_KEY" in str(info.value)
    assert "WP_HOME" not in str(info.value) and "real nonce key" not in str(info.value)
    with pytest.raises(SettingsError, match="BRIDGE_WP_CONFIG"):
        load_settings({"BRIDGE_WP_CONFIG": str(path)})


def test_wp_config_settings(tmp_path: Path) -> None:
    """BRIDGE_WP_CONFIG must name a readable PHP file; BRIDGE_WP_SITE_URL needs it and is kept verbatim."""
    good = tmp_path / "wp-config.php"
    good.write_text("<?php\ndefine( 'LOGGED_IN_KEY', 'x' );\n")
    settings = load_settings({"BRIDGE_WP_CONFIG": str(good), "BRIDGE_WP_SITE_URL": "https://Example.com/wp"})
    assert settings.wp_config == str(good) and settings.wp_site_url == "https://Example.com/wp"
    assert load_settings({}).wp_config is None
    with pytest.raises(SettingsError, match="BRIDGE_WP_CONFIG: cannot read"):
        load_settings({"BRIDGE_WP_CONFIG": str(tmp_path / "missing.php")})
    text = tmp_path / "notes.txt"
    text.write_text("LOGGED_IN_KEY=x\n")
    with pytest.raises(SettingsError, match="not a PHP file"):
        load_settings({"BRIDGE_WP_CONFIG": str(text)})
    with pytest.raises(SettingsError, match="BRIDGE_WP_SITE_URL needs BRIDGE_WP_CONFIG"):
        load_settings({"BRIDGE_WP_SITE_URL": "https://example.com"})
    with pytest.raises(SettingsError, match="BRIDGE_WP_SITE_URL"):
        load_settings({"BRIDGE_WP_CONFIG": str(good), "BRIDGE_WP_SITE_URL": "example.com"})


def test_salt_missing_everywhere_is_none() -> None:
    """No constant and no option: WordPress would make a new random one now, which no cookie matches."""
    assert wp_salt("logged_in", {}, {}.get) is None
    assert wp_salt("nonce", {"NONCE_KEY": "k"}, {"nonce_salt": ""}.get) is None
    assert wp_salt("nonce", {"NONCE_KEY": "k", "NONCE_SALT": "s"}, {}.get) == "ks"


def test_post_gets_an_hour_of_grace() -> None:
    """As in wp_validate_auth_cookie: a POST is accepted up to an hour after the cookie expired, a GET is not."""
    cookie = parse_auth_cookie(f"admin|{NOW - 1800}|t|h".encode())
    assert cookie is not None
    assert cookie_expired(cookie, NOW, post=False) and not cookie_expired(cookie, NOW, post=True)
    late = parse_auth_cookie(f"admin|{NOW - 3601}|t|h".encode())
    assert late is not None and cookie_expired(late, NOW, post=True)
    for expiration in ("", "12a", "-5", "1e9", " 1"):
        odd = parse_auth_cookie(f"admin|{expiration}|t|h".encode())
        assert odd is not None and cookie_expired(odd, 0, post=True), expiration


if __name__ == "__main__":
    VECTORS.write_text(json.dumps(generate(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {VECTORS}", file=sys.stderr)
