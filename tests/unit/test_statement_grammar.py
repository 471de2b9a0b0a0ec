"""The signed access statement's grammar (``X-WP-Bridge-Access``): access types and the
permission filters with PHP callbacks; anything else is refused, never half-read."""

from __future__ import annotations

import pytest

from bridge.access_types import parse_statement, with_statement
from bridge.principal import Principal


def test_types_and_permission_filters_are_read() -> None:
    assert parse_statement("") == {}
    assert parse_statement("customer=platform;branch=none;perm=delete_branch,edit_employee") == {
        "customer": "platform",
        "branch": "none",
        "perm": "delete_branch,edit_employee",
    }
    assert parse_statement("perm=edit_employee") == {"perm": "edit_employee"}


@pytest.mark.parametrize(
    "value",
    [
        "perm=",
        "perm=edit_employee,",
        "perm=edit_employee,edit_employee",
        "perm=view_customer_employee",
        "perm=Edit_Employee",
        "perm=edit_employee;perm=delete_branch",
        "grant=edit_employee:12",
        "customer=platform;customer=none",
        "customer",
        "branch=" + "a" * 65,
    ],
)
def test_anything_else_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_statement(value)


def test_the_announcement_is_kept_per_request_and_leaves_the_types_alone() -> None:
    """``perm`` alone names the hooked filters and changes no access type; a visitor gets nothing."""
    user = Principal(user_id=5)
    announced = with_statement(user, parse_statement("perm=edit_employee"))
    assert announced.php.hooked == frozenset({"edit_employee"}) and announced.access is None
    assert with_statement(Principal(user_id=0), {"perm": "edit_employee"}).php.hooked == frozenset()
