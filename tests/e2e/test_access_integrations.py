"""PHP integrations deciding access, through the shim, in a real WordPress.

Small PHP plugins (mu-plugins written for one test and removed after it) hook the plugin's
``wp_customer_access_type`` the way integrations do. The shim runs them for the current user
and signs their outcome with each request (``X-WP-Bridge-Access``); the bridge applies it:
a grant widens, ``none`` withdraws. Stand-ins registered like WP App Core's and WP Agency's
(they act only on an incoming ``none``, facts §3.2/§3.4) change nothing the bridge does not
already compute: every user sees the same rows with them as without them. A plugin hooking the
permission filters ``wp_customer_can_edit_customer_employee`` and
``wp_customer_can_delete_customer_branch`` gives exactly the rows it grants the buttons the
plugin would render for them (through the shim's admin-ajax answers, which the bridge renders).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bridge.plugin_rows import branch_row, employee_row
from bridge.settings import DatabaseURL
from tests.support.database import fetch
from tests.support.wordpress_site import BRANCH_COLUMNS, EMPLOYEE_COLUMNS, OWNER, WordPress, datatable_params

READ = """
$client = new WP_Customer_Bridge_Client( new WP_Customer_Bridge_Settings() );
$out    = array();
foreach ( array( 'customers', 'branches', 'employees' ) as $resource ) {
    $r = $client->request( 'GET', '/' . $resource, 'per_page=100&orderby=id&order=asc' );
    $out[ $resource ] = 200 === $r->status ? array_map( 'intval', array_column( $r->data, 'id' ) ) : $r->status;
}
$r = $client->request( 'GET', '/statistics/customers' );
$out['stats'] = 200 === $r->status ? $r->data : $r->status;
echo json_encode( $out );
"""

GRANT = """<?php
// Test plugin: a subscriber gets platform-like read access (as WP App Core gives platform users).
add_filter(
    'wp_customer_access_type',
    function ( $type, $context ) {
        $user = get_user_by( 'login', 'demo_subscriber' );
        return ( 'none' === $type && $user && (int) $context['user_id'] === $user->ID ) ? 'platform' : $type;
    },
    10,
    2
);
"""

WITHDRAW = """<?php
// Test plugin: the owner's access is withdrawn.
add_filter(
    'wp_customer_access_type',
    function ( $type, $context ) {
        $user = get_user_by( 'login', 'andi_budi' );
        return ( $user && (int) $context['user_id'] === $user->ID ) ? 'none' : $type;
    },
    10,
    2
);
"""

STAND_INS = """<?php
// Stand-ins registered the way WP App Core (set_platform_access_type) and WP Agency
// (set_agency_access_type) register theirs: they only act when the incoming value is 'none'.
function wpbridge_e2e_platform_access_type( $type, $context, $cap = 'view_customer_detail' ) {
    if ( 'none' !== $type || ! current_user_can( $cap ) ) {
        return $type;
    }
    $user = wp_get_current_user();
    foreach ( (array) $user->roles as $role ) {
        if ( 0 === strpos( $role, 'platform_' ) ) {
            return 'platform';
        }
    }
    return $type;
}
function wpbridge_e2e_agency_access_type( $type, $context ) {
    global $wpdb;
    if ( 'none' !== $type ) {
        return $type;
    }
    $uid   = (int) $context['user_id'];
    $found = $wpdb->get_var(
        $wpdb->prepare(
            "SELECT 1 FROM {$wpdb->prefix}app_agencies WHERE user_id = %d UNION SELECT 1 FROM {$wpdb->prefix}app_agency_employees WHERE user_id = %d LIMIT 1",
            $uid,
            $uid
        )
    );
    return $found ? 'agency' : $type;
}
add_filter( 'wp_customer_access_type', 'wpbridge_e2e_platform_access_type', 10, 2 );
add_filter( 'wp_customer_access_type', 'wpbridge_e2e_agency_access_type', 10, 2 );
add_filter(
    'wp_branch_access_type',
    function ( $type, $context ) {
        return wpbridge_e2e_platform_access_type( $type, $context, 'view_customer_branch_list' );
    },
    10,
    2
);
add_filter( 'wp_branch_access_type', 'wpbridge_e2e_agency_access_type', 10, 2 );
"""

USERS = (
    "admin",
    OWNER,
    "demo_branch_admin",
    "demo_employee",
    "demo_agency_admin",
    "demo_pengawas",
    "demo_platform_viewer",
    "demo_platform_admin",
    "demo_subscriber",
)


def read_as(wp: WordPress, user: int) -> dict[str, Any]:
    """What ``user`` gets through the shim: customer, branch and employee ids, the statistics."""
    return json.loads(wp.php(READ, user=user).strip().splitlines()[-1])


def forget_statements(wp: WordPress) -> None:
    wp.php(
        "global $wpdb; $wpdb->query( \"DELETE FROM {$wpdb->options} WHERE option_name LIKE '%wp_customer_bridge_access_%'\" );"
    )


@pytest.fixture
def mu_plugin(wordpress: WordPress) -> Iterator[Any]:
    """Install a PHP test plugin as a mu-plugin for one test; statements cached before or with it are dropped."""
    written: list[Path] = []

    def install(name: str, code: str) -> None:
        path = wordpress.root / "wp-content" / "mu-plugins" / f"wpbridge-e2e-{name}.php"
        path.write_text(code)
        written.append(path)
        forget_statements(wordpress)

    yield install
    for path in written:
        path.unlink()
    forget_statements(wordpress)


def test_a_php_plugin_grants_a_subscriber_platform_read_access(
    wordpress: WordPress, user_ids: dict[str, int], mu_plugin: Any
) -> None:
    """Hooking wp_customer_access_type in PHP, a subscriber sees every customer and employee through
    the shim, and the statistics agree with the rows; without it they see nothing."""
    subscriber, admin = user_ids["demo_subscriber"], read_as(wordpress, user_ids["admin"])
    before = read_as(wordpress, subscriber)
    assert before["customers"] == [] and before["stats"] == 403
    mu_plugin("grant", GRANT)
    after = read_as(wordpress, subscriber)
    assert after["customers"] == admin["customers"]
    assert after["employees"] == admin["employees"]
    assert after["stats"]["total_customers"] == admin["stats"]["total_customers"]
    assert after["stats"]["total_employees"] == admin["stats"]["total_employees"]
    assert after["branches"] == before["branches"] == []  # branches follow wp_customer_branch_access_type


def test_a_php_plugin_answering_none_hides_an_owners_customers(
    wordpress: WordPress, user_ids: dict[str, int], owner_customers: list[int], mu_plugin: Any
) -> None:
    """An owner's customers disappear through the shim once a PHP plugin answers ``none``;
    another user is untouched."""
    owner = user_ids[OWNER]
    assert read_as(wordpress, owner)["customers"] == owner_customers
    branch_admin = read_as(wordpress, user_ids["demo_branch_admin"])
    mu_plugin("withdraw", WITHDRAW)
    after = read_as(wordpress, owner)
    assert after["customers"] == [] and after["employees"] == [] and after["stats"] == 403
    assert read_as(wordpress, user_ids["demo_branch_admin"]) == branch_admin


def test_a_user_whose_access_php_changes_gets_no_fast_path_script(wordpress: WordPress, mu_plugin: Any) -> None:
    """The cookie carries no signed statement, so a user whose access type a PHP plugin changes
    is left on admin-ajax (which signs it): no fast-path script for them, still one for others."""
    owner, admin = wordpress.login(OWNER), wordpress.login("admin")
    assert "wpCustomerBridgeFastPath" in wordpress.shim_page(owner)
    mu_plugin("withdraw", WITHDRAW)
    assert "wpCustomerBridgeFastPath" not in wordpress.shim_page(owner)
    assert "wpCustomerBridgeFastPath" in wordpress.shim_page(admin)


def test_stand_ins_for_wp_app_core_and_wp_agency_change_nothing(
    wordpress: WordPress, user_ids: dict[str, int], mu_plugin: Any
) -> None:
    """With stand-ins for WP App Core's and WP Agency's access-type filters, every user sees
    exactly the rows and numbers they see without them (the bridge computes the same types)."""
    without = {name: read_as(wordpress, user_ids[name]) for name in USERS}
    mu_plugin("stand-ins", STAND_INS)
    statements = {
        name: wordpress.php("echo WP_Customer_Bridge_Access::evaluate( get_current_user_id() );", user=user_ids[name])
        for name in ("demo_platform_viewer", "demo_agency_admin", "demo_pengawas")
    }
    assert statements["demo_platform_viewer"].strip() == "customer=platform"  # they did act
    assert statements["demo_agency_admin"].strip() == "customer=agency;branch=agency"
    with_them = {name: read_as(wordpress, user_ids[name]) for name in USERS}
    assert with_them == without


PERMISSIONS = """<?php
// Test plugin: an integration allowing the demo employee to edit one colleague and delete one branch,
// reading the arguments the plugin passes (an employee row object, its customer, the user id; the
// branch relation array).
add_filter(
    'wp_customer_can_edit_customer_employee',
    function ( $can, $employee, $customer, $user_id ) {
        $user = get_user_by( 'login', 'demo_employee' );
        return $can || ( $user && $user->ID === (int) $user_id && %(employee)d === (int) $employee->id
            && %(customer)d === (int) $customer->id && get_current_user_id() === (int) $user_id );
    },
    10,
    4
);
add_filter(
    'wp_customer_can_delete_customer_branch',
    function ( $can, $relation ) {
        return $can || ( %(branch)d === (int) $relation['branch_id'] && ! empty( $relation['is_customer_employee'] ) );
    },
    10,
    2
);
"""


def draw(wp: WordPress, client: Any, nonce: str, action: str, columns: Any, customer_id: int) -> dict[str, Any]:
    pairs = [*datatable_params(columns, length=100), ("customer_id", str(customer_id)), ("action", action)]
    response = wp.ajax(client, [*pairs, ("nonce", nonce)])
    assert response.status_code == 200, response.text[:2000]
    body: dict[str, Any] = response.json()
    assert "error" not in body and "wp_bridge_ask" not in body, body
    return body


def test_a_php_plugin_on_the_permission_filters_gives_exactly_its_rows_the_plugins_buttons(
    wordpress: WordPress, e2e_db: DatabaseURL, user_ids: dict[str, int], mu_plugin: Any
) -> None:
    """Through the shim, the colleague the PHP plugin lets the demo employee edit gets the edit and
    status buttons, the branch it lets them delete the delete button, rendered as the plugin does;
    every other row is as before, and the fast path leaves both tables to admin-ajax."""
    me = fetch(e2e_db, "SELECT * FROM wp_app_customer_employees WHERE user_id = %s", (user_ids["demo_employee"],))[0]
    colleague = fetch(
        e2e_db,
        "SELECT id, status FROM wp_app_customer_employees WHERE customer_id = %s AND id <> %s AND created_by <> %s "
        "ORDER BY id LIMIT 1",
        (me["customer_id"], me["id"], me["user_id"]),
    )[0]
    branch = fetch(
        e2e_db,
        "SELECT id FROM wp_app_customer_branches WHERE customer_id = %s AND type = 'cabang' ORDER BY id LIMIT 1",
        (me["customer_id"],),
    )[0]["id"]
    client = wordpress.login("demo_employee")
    nonce = wordpress.nonce(client)
    args = (wordpress, client, nonce)
    employees = draw(*args, "handle_customer_employee_datatable", EMPLOYEE_COLUMNS, me["customer_id"])
    branches = draw(*args, "handle_branch_datatable", BRANCH_COLUMNS, me["customer_id"])
    assert "edit-employee" not in next(r for r in employees["data"] if r["id"] == colleague["id"])["actions"]
    assert "delete-branch" not in next(r for r in branches["data"] if r["id"] == branch)["actions"]
    assert '"handle_branch_datatable"' in wordpress.shim_page(client)

    mu_plugin(
        "permissions", PERMISSIONS % {"employee": colleague["id"], "customer": me["customer_id"], "branch": branch}
    )
    employees_after = draw(*args, "handle_customer_employee_datatable", EMPLOYEE_COLUMNS, me["customer_id"])
    branches_after = draw(*args, "handle_branch_datatable", BRANCH_COLUMNS, me["customer_id"])

    def as_granted(row: dict[str, Any], action: str, render: Any) -> str:
        permissions = {
            "view": "view-" in row["actions"],
            "edit": "edit-" in row["actions"],
            "delete": "delete-" in row["actions"],
        }
        html: str = render({**row, "permissions": {**permissions, action: True}})["actions"]
        return html

    expected = [
        {**r, "actions": as_granted(r, "edit", employee_row)} if r["id"] == colleague["id"] else r
        for r in employees["data"]
    ]
    assert employees_after["data"] == expected
    assert 'class="button toggle-status"' in next(r for r in expected if r["id"] == colleague["id"])["actions"]
    expected = [
        {**r, "actions": as_granted(r, "delete", branch_row)} if r["id"] == branch else r for r in branches["data"]
    ]
    assert branches_after["data"] == expected
    tables = re.search(r'"tables":(\{[^}]*\})', wordpress.shim_page(client))
    assert tables and json.loads(tables.group(1)) == {  # WP Agency's list: its own filters, none hooked here
        "handle_customer_datatable": "customers",
        "get_agencies_datatable": "agencies",
    }
