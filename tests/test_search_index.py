"""The search index (``wpbridge indexes --search``) never changes an answer, only how it is found.

On a demo site of its own, the customers DataTable is asked the same random searches with the
index in use and with the index marked ``building`` (the state in which the bridge must use
LIKE alone), for every kind of login; the two answers (rows, order, counts) must be the same —
also right after WordPress-style direct SQL writes (an insert, an update, a delete, an owner's
``display_name``), before any refresh. A sabotaged index (its grams emptied) shows which
answers really came from the index, and that the bridge stops trusting it when it must.
"""

from __future__ import annotations

import random
import string
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect, fetch
from tests.support.datatables import CUSTOMER_COLUMNS, datatable, row_ids
from tests.support.general_log import statements_run
from tests.support.logins import Login
from tests.support.paths import API
from tests.support.server import BridgeServer

LOGINS = ("admin", "andi_budi", "demo_employee", "demo_agency_admin", "demo_pengawas", "demo_subscriber", None)
STATE = "wp_wpbridge_search_state"
GRAMS = "wp_wpbridge_search_grams"


@pytest.fixture(scope="module")
def site(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "120", "--seed", "1")
    time.sleep(2.2)  # a pass certifies only writes older than its own start, to the second
    built = run_cli(url, "indexes", "--search", "build").stdout
    assert "search index: ready" in built and "searches now: in use" in built, built
    return url


@pytest.fixture(scope="module")
def logins(site: DatabaseURL) -> dict[str, Login]:
    from bridge.demo import demo_application_passwords

    passwords = demo_application_passwords(seed=1)
    rows = fetch(site, "SELECT ID, user_login FROM wp_users WHERE user_login IN %s", (list(passwords),))
    return {r["user_login"]: Login(r["user_login"], int(r["ID"]), passwords[r["user_login"]]) for r in rows}


@pytest.fixture(scope="module")
def server(site: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    return start_bridge(site, {"BRIDGE_SEARCH_INDEX_REFRESH_S": "0"})  # the tests decide when it is refreshed


def _sql(url: DatabaseURL, *statements: str) -> None:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def _status(url: DatabaseURL, status: str) -> None:
    _sql(url, f"UPDATE {STATE} SET status = '{status}' WHERE name = 'customers'")


def _values(url: DatabaseURL) -> list[str]:
    rows = fetch(
        url,
        "SELECT c.code, c.name, c.npwp, c.nib, u.display_name FROM wp_app_customers c "
        "LEFT JOIN wp_users u ON u.ID = c.user_id",
    )
    return [str(v) for r in rows for v in r.values() if v]


def random_terms(url: DatabaseURL, count: int, seed: int) -> list[str]:
    """Substrings of stored values (any case), random strings, several words, quoted phrases,
    negative words, 1–2 character words, ``%`` and ``_``."""
    rng = random.Random(seed)
    values = _values(url)

    def piece() -> str:
        value = rng.choice(values)
        size = rng.choice((1, 2, 3, 3, 4, 5, 6, 8, 12))
        start = rng.randrange(max(1, len(value) - size + 1))
        text = value[start : start + size]
        return rng.choice((str.lower, str.upper, str.title, str))(text)

    def junk() -> str:
        return "".join(rng.choice(string.ascii_letters + string.digits + "%_.-") for _ in range(rng.randint(1, 6)))

    terms = []
    for i in range(count):
        kind = i % 8
        if kind in (0, 1, 2):
            terms.append(piece())
        elif kind == 3:
            terms.append(junk())
        elif kind == 4:
            terms.append(f"{piece()} {piece()}")
        elif kind == 5:
            terms.append(f'"{piece()}"')
        elif kind == 6:
            terms.append(f"{piece()} !{piece()}")
        else:
            terms.append(rng.choice(("%", "_", "a%", "%_", "1_", piece()[:2])))
    return [t.strip() or "x" for t in terms]


def answer(client: httpx.Client, login: Login | None, term: str) -> tuple[Any, ...]:
    body = datatable(
        client,
        "customers",
        login.auth if login else None,
        columns=CUSTOMER_COLUMNS,
        length=-1,
        **{"search[value]": term},
    )
    if "error" in body:
        return ("error", body["error"])
    return (body["recordsTotal"], body["recordsFiltered"], row_ids(body))


def answers(server: BridgeServer, logins: dict[str, Login], terms: list[str]) -> dict[tuple[str, str], Any]:
    out = {}
    for name in LOGINS:
        login = logins[name] if name else None
        for term in terms:
            out[(str(name), term)] = answer(server.client, login, term)
    return out


def invalidate(server: BridgeServer, logins: dict[str, Login]) -> None:
    """What the shim does after WordPress writes: the bridge's cached counts and principals go."""
    r = server.client.post(f"{API}/cache/invalidate", json={"all": True}, auth=logins["admin"].auth)
    assert r.status_code == 200, r.text


def assert_same_with_and_without(
    url: DatabaseURL, server: BridgeServer, logins: dict[str, Login], terms: list[str]
) -> dict[tuple[str, str], Any]:
    _status(url, "ready")
    indexed = answers(server, logins, terms)
    _status(url, "building")
    try:
        alone = answers(server, logins, terms)
    finally:
        _status(url, "ready")
    differ = [(key, indexed[key], alone[key]) for key in indexed if indexed[key] != alone[key]]
    assert not differ, f"{len(differ)} answers differ, e.g. {differ[:3]}"
    return alone


@pytest.fixture
def sabotaged(site: DatabaseURL) -> Iterator[None]:
    """The index's grams emptied while its state says ready; rebuilt afterwards."""
    _sql(site, f"DELETE FROM {GRAMS}")
    yield
    run_cli(site, "indexes", "--search", "build")


def test_random_searches_answer_the_same_with_and_without_the_index(
    site: DatabaseURL, server: BridgeServer, logins: dict[str, Login]
) -> None:
    """200 random searches, every kind of login: identical rows, order and counts."""
    terms = random_terms(site, 200, seed=7)
    alone = assert_same_with_and_without(site, server, logins, terms)
    found = [key for key, value in alone.items() if value[0] != "error" and value[1]]
    # the searches find rows, for several logins: the comparison is not vacuous
    assert sum(key[0] == "admin" for key in found) > 80
    assert any(key[0] == "andi_budi" for key in found) and any(key[0] == "demo_agency_admin" for key in found)


def test_the_index_answers_when_it_is_current(
    site: DatabaseURL, server: BridgeServer, logins: dict[str, Login], sabotaged: None
) -> None:
    """With its grams gone, a current index finds nothing for a 3+ character word: the answers
    above really came from it (shorter words still use LIKE and still find rows)."""
    name = fetch(site, "SELECT name FROM wp_app_customers ORDER BY id LIMIT 1")[0]["name"]
    invalidate(server, logins)
    admin = logins["admin"]
    assert answer(server.client, admin, name.split()[-1])[1] == 0
    assert answer(server.client, admin, name[:2])[1] > 0


def test_wordpress_writes_are_found_before_any_refresh(
    site: DatabaseURL, server: BridgeServer, logins: dict[str, Login]
) -> None:
    """Direct SQL writes as WordPress makes them, and no refresh: a new customer stamped with
    WordPress's own clock hours behind the server's, a renamed one, a deleted one — the index
    stays in use (with the changed customers added to its candidates) — then an owner's new
    display name, after which the bridge falls back to LIKE. Answers stay identical throughout
    and the new words are found."""
    _sql(
        site,
        "INSERT INTO wp_app_customers (code, name, npwp, nib, status, user_id, provinsi_id, regency_id, "
        "reg_type, created_by, created_at, updated_at) SELECT '9999Qz99Qz', 'PT Zebrakuda Makmur', NULL, NULL, "
        "'active', user_id, provinsi_id, regency_id, 'self', 1, NOW() - INTERVAL 7 HOUR, NOW() - INTERVAL 7 HOUR "
        "FROM wp_app_customers WHERE id = 3",
        "UPDATE wp_app_customers SET name = 'CV Gajahterbang Jaya' WHERE id = 4",
        "DELETE FROM wp_app_customer_employees WHERE customer_id = 6",
        "DELETE FROM wp_app_customer_branches WHERE customer_id = 6",
        "DELETE FROM wp_app_customers WHERE id = 6",
    )
    invalidate(server, logins)
    assert "searches now: in use, with the customers changed since the last pass" in run_cli(site, "indexes").stdout
    news = ["Zebrakuda", "gajahterbang", "Gajah Zebra", "rbang !Jaya", "PT Zebra", "makmur"]
    alone = assert_same_with_and_without(site, server, logins, news + random_terms(site, 100, seed=11))
    for word in ("Zebrakuda", "gajahterbang"):
        assert alone[("admin", word)][1] == 1, word

    owner = fetch(site, "SELECT user_id FROM wp_app_customers WHERE id = 5")[0]["user_id"]
    _sql(site, f"UPDATE wp_users SET display_name = 'Burhanudin Kancilmerah' WHERE ID = {int(owner)}")
    invalidate(server, logins)
    assert "searches now: wp_users may have changed" in run_cli(site, "indexes").stdout
    alone = assert_same_with_and_without(site, server, logins, ["KANCILMERAH", *random_terms(site, 60, seed=12)])
    assert alone[("admin", "KANCILMERAH")][1] >= 1


def test_a_changed_owner_name_stops_the_index_until_a_refresh(
    site: DatabaseURL, server: BridgeServer, logins: dict[str, Login], sabotaged: None
) -> None:
    """wp_users has no updated_at: once it is written, even a sabotaged index is not used (the
    answers are LIKE's), and ``--search refresh`` makes the index current and used again."""
    target = fetch(site, "SELECT c.user_id FROM wp_app_customers c ORDER BY c.id LIMIT 1")[0]
    untouched = fetch(site, "SELECT code FROM wp_app_customers WHERE id = 10")[0]["code"]
    _sql(site, f"UPDATE wp_users SET display_name = 'Siti Rajawaliputih' WHERE ID = {int(target['user_id'])}")
    invalidate(server, logins)
    admin = logins["admin"]
    assert answer(server.client, admin, "Rajawaliputih")[1] >= 1
    assert answer(server.client, admin, untouched)[1] == 1  # LIKE: the emptied grams are not trusted
    time.sleep(2.2)  # the certificate is whole seconds before the pass: the write must be older
    out = run_cli(site, "indexes", "--search", "refresh").stdout
    assert "searches now: in use" in out, out
    invalidate(server, logins)
    assert answer(server.client, admin, "Rajawaliputih")[1] >= 1  # re-indexed by the refresh
    assert answer(server.client, admin, untouched)[1] == 0  # the refresh re-indexed only what changed


def test_a_worker_refreshes_the_index_by_itself(
    site: DatabaseURL,
    server: BridgeServer,
    logins: dict[str, Login],
    start_bridge: Callable[..., BridgeServer],
) -> None:
    """With ``BRIDGE_SEARCH_INDEX_REFRESH_S`` set, a worker folds WordPress's writes in: after an
    owner's rename the index comes back into use without any command, and finds the new name."""
    user = fetch(site, "SELECT user_id FROM wp_app_customers WHERE id = 20")[0]["user_id"]
    _sql(site, f"UPDATE wp_users SET display_name = 'Joko Merakbiru' WHERE ID = {int(user)}")
    assert "searches now: wp_users may have changed" in run_cli(site, "indexes").stdout
    worker = start_bridge(site, {"BRIDGE_SEARCH_INDEX_REFRESH_S": "1"})
    deadline = time.monotonic() + 30
    while "searches now: in use" not in run_cli(site, "indexes").stdout:
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.5)
    worker.stop()
    docs = fetch(site, "SELECT CAST(owner_name AS CHAR) AS n FROM wp_wpbridge_search_docs WHERE customer_id = 20")
    assert docs == [{"n": "Joko Merakbiru"}]
    invalidate(server, logins)
    assert_same_with_and_without(site, server, logins, ["Merakbiru", "joko merak"])
    assert answer(server.client, logins["admin"], "Merakbiru")[1] == 1


def test_indexes_command_reports_and_drops_the_search_index(site: DatabaseURL) -> None:
    """``wpbridge indexes`` says whether searches use the index; ``--search drop`` removes only
    the bridge's tables, and the plugin's tables keep their columns and indexes."""
    before = fetch(site, "SHOW CREATE TABLE wp_app_customers")[0]["Create Table"]
    listed = run_cli(site, "indexes").stdout
    assert "search index: ready" in listed
    dropped = run_cli(site, "indexes", "--search", "drop").stdout
    assert "wp_wpbridge_search_grams" in dropped
    assert "search index: not built" in run_cli(site, "indexes").stdout
    assert fetch(site, "SHOW CREATE TABLE wp_app_customers")[0]["Create Table"] == before
    run_cli(site, "indexes", "--search", "build")


def test_a_common_search_whose_count_is_known_walks_the_unique_order_instead_of_the_index(
    site: DatabaseURL, server: BridgeServer, logins: dict[str, Login]
) -> None:
    """Once a common word's count is cached, its pages ordered by a unique column (code) come
    from LIKE alone along that order (MariaDB stops after the page) rather than from the index's
    candidates: with the grams emptied behind the bridge's back, those pages still show the same
    rows, while the same search ordered by name (not unique: the index stays) finds none."""
    names = [r["name"] for r in fetch(site, "SELECT name FROM wp_app_customers")]
    words = Counter(w.lower() for n in names for w in n.split() if len(w) >= 3 and w.isalpha())
    word, found = words.most_common(1)[0]
    assert found >= 6, words.most_common(3)  # more than a page of five
    admin = logins["admin"].auth
    invalidate(server, logins)

    def page(column: int) -> dict[str, Any]:
        return datatable(
            server.client,
            "customers",
            admin,
            columns=CUSTOMER_COLUMNS,
            length=5,
            **{"search[value]": word, "order[0][column]": column, "order[0][dir]": "asc"},
        )

    by_code, by_name = page(0), page(1)  # counted with the index, the counts cached
    assert by_code["recordsFiltered"] >= 6 and len(by_code["data"]) == 5
    _sql(site, f"DELETE FROM {GRAMS}")
    try:
        again = page(0)
        assert row_ids(again) == row_ids(by_code) and again["recordsFiltered"] == by_code["recordsFiltered"]
        assert page(1)["data"] == [] and by_name["data"]
    finally:
        run_cli(site, "indexes", "--search", "build")
        invalidate(server, logins)


def test_a_new_search_counts_its_candidates_once_and_still_counts_a_page_past_the_end(
    site: DatabaseURL, server: BridgeServer, logins: dict[str, Login]
) -> None:
    """A new term the index narrows is counted by ``COUNT(*) OVER ()`` in the page's own
    subquery (its matches found once, not once for the count and again for the page), with the
    counts LIKE alone gives; a new term asked for a page past its last match gets its count all
    the same (the page has no row to carry it, so the count is asked for again)."""
    admin = logins["admin"]
    word = "makmur"

    def ask(start: int) -> dict[str, Any]:
        invalidate(server, logins)  # a new search each time: nothing counted yet
        return datatable(
            server.client, "customers", admin.auth, columns=CUSTOMER_COLUMNS, start=start, **{"search[value]": word}
        )

    with statements_run(site) as seen:
        first = ask(0)
    assert any("OVER()" in sql and GRAMS in sql for sql in seen), [s[:200] for s in seen if GRAMS in s]
    assert (first["recordsTotal"], first["recordsFiltered"], row_ids(first)) == answer(server.client, admin, word)[:3]
    _status(site, "building")
    try:
        invalidate(server, logins)
        assert answer(server.client, admin, word)[1] == first["recordsFiltered"] > 0
    finally:
        _status(site, "ready")
    past = ask(first["recordsFiltered"] + 5)
    assert past["data"] == [] and past["recordsFiltered"] == first["recordsFiltered"], past
