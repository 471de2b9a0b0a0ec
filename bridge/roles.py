"""Role definitions of WordPress core, WP Customer, WP App Core and WP Agency, as data.

The demo generator stores these as the `{prefix}user_roles` option, and tests use them as
the reference for which capabilities each role grants. The shape is
WordPress's own: ``{role: {"name": display name, "capabilities": {cap: True}}}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict


class RoleDefinition(TypedDict):
    """One role as WordPress stores it in ``{prefix}user_roles``."""

    name: str
    capabilities: dict[str, bool]


AGENCY_VIEW_CAPS: tuple[str, ...] = (
    "view_agency_list",
    "view_agency_detail",
    "view_division_list",
    "view_division_detail",
    "view_employee_list",
    "view_employee_detail",
)

CUSTOMER_CAPS: tuple[str, ...] = (
    "view_customer_list",
    "view_customer_detail",
    "view_own_customer",
    "add_customer",
    "edit_all_customers",
    "edit_own_customer",
    "delete_customer",
)

BRANCH_CAPS: tuple[str, ...] = (
    "view_customer_branch_list",
    "view_customer_branch_detail",
    "view_own_customer_branch",
    "add_customer_branch",
    "edit_all_customer_branches",
    "edit_own_customer_branch",
    "delete_customer_branch",
)

EMPLOYEE_CAPS: tuple[str, ...] = (
    "view_customer_employee_list",
    "view_customer_employee_detail",
    "view_own_customer_employee",
    "add_customer_employee",
    "edit_all_customer_employees",
    "edit_own_customer_employee",
    "delete_customer_employee",
)

INVOICE_CAPS: tuple[str, ...] = (
    "view_customer_membership_invoice_list",
    "view_customer_membership_invoice_detail",
    "view_own_customer_membership_invoice",
    "create_customer_membership_invoice",
    "edit_all_customer_membership_invoices",
    "edit_own_customer_membership_invoice",
    "delete_customer_membership_invoice",
    "approve_customer_membership_invoice",
)

PAYMENT_CAPS: tuple[str, ...] = (
    "pay_all_customer_membership_invoices",
    "pay_own_customer_membership_invoices",
    "pay_own_branch_membership_invoices",
)

ALL_CUSTOMER_CAPS: tuple[str, ...] = (
    AGENCY_VIEW_CAPS + CUSTOMER_CAPS + BRANCH_CAPS + EMPLOYEE_CAPS + INVOICE_CAPS + PAYMENT_CAPS
)

AGENCY_PLUGIN_CAPS: tuple[str, ...] = (
    "view_agency_list",
    "view_agency_detail",
    "view_own_agency",
    "add_agency",
    "edit_agency",
    "edit_all_agencies",
    "edit_own_agency",
    "delete_agency",
    "view_division_list",
    "view_division_detail",
    "view_own_division",
    "add_division",
    "edit_all_divisions",
    "edit_own_division",
    "delete_division",
    "view_employee_list",
    "view_employee_detail",
    "view_own_employee",
    "add_employee",
    "edit_all_employees",
    "edit_own_employee",
    "delete_employee",
)

WORDPRESS_ADMIN_CAPS: tuple[str, ...] = (
    "read",
    "switch_themes",
    "edit_themes",
    "activate_plugins",
    "edit_plugins",
    "install_plugins",
    "update_plugins",
    "delete_plugins",
    "edit_users",
    "list_users",
    "create_users",
    "delete_users",
    "remove_users",
    "promote_users",
    "edit_files",
    "manage_options",
    "moderate_comments",
    "manage_categories",
    "manage_links",
    "upload_files",
    "unfiltered_upload",
    "import",
    "export",
    "unfiltered_html",
    "edit_posts",
    "edit_others_posts",
    "edit_published_posts",
    "publish_posts",
    "delete_posts",
    "delete_others_posts",
    "delete_published_posts",
    "edit_pages",
    "edit_others_pages",
    "edit_published_pages",
    "publish_pages",
    "delete_pages",
    "delete_others_pages",
    "delete_published_pages",
    "edit_dashboard",
    "edit_theme_options",
    "update_themes",
    "install_themes",
    "delete_themes",
    "update_core",
    *(f"level_{n}" for n in range(11)),
)

AGENCY_ROLE_NAMES: dict[str, str] = {
    "agency": "Disnaker",
    "agency_admin_dinas": "Admin Dinas",
    "agency_admin_unit": "Admin Unit",
    "agency_pengawas": "Pengawas",
    "agency_pengawas_spesialis": "Pengawas Spesialis",
    "agency_kepala_unit": "Kepala Unit",
    "agency_kepala_seksi": "Kepala Seksi",
    "agency_kepala_bidang": "Kepala Bidang",
    "agency_kepala_dinas": "Kepala Dinas",
}

AGENCY_ADMIN_ROLES: frozenset[str] = frozenset({"agency_admin_dinas", "agency_admin_unit"})

AGENCY_ROLE_VIEW_CAPS: tuple[str, ...] = AGENCY_VIEW_CAPS + (
    "view_own_agency",
    "view_own_division",
    "view_own_employee",
)


def _role(name: str, caps: Iterable[str]) -> RoleDefinition:
    """One role in WordPress's stored shape; `read` is always granted."""
    capabilities = {"read": True}
    capabilities.update((cap, True) for cap in caps)
    return {"name": name, "capabilities": capabilities}


def _customer_roles() -> dict[str, RoleDefinition]:
    """wp-customer's four roles with their default capabilities."""
    invoice_view = INVOICE_CAPS[:3]
    owner = (
        AGENCY_VIEW_CAPS
        + ("view_customer_list", "view_customer_detail", "view_own_customer", "edit_own_customer")
        + BRANCH_CAPS[:3]
        + ("add_customer_branch", "edit_all_customer_branches", "edit_own_customer_branch")
        + EMPLOYEE_CAPS[:3]
        + ("add_customer_employee", "edit_all_customer_employees", "edit_own_customer_employee")
        + invoice_view
        + (
            "create_customer_membership_invoice",
            "edit_all_customer_membership_invoices",
            "edit_own_customer_membership_invoice",
            "pay_own_customer_membership_invoices",
        )
    )
    branch_admin = (
        AGENCY_VIEW_CAPS
        + ("view_customer_list", "view_customer_detail", "view_own_customer")
        + BRANCH_CAPS[:3]
        + ("edit_own_customer_branch",)
        + EMPLOYEE_CAPS[:3]
        + ("add_customer_employee", "edit_own_customer_employee", "delete_customer_employee")
        + invoice_view
        + (
            "create_customer_membership_invoice",
            "edit_own_customer_membership_invoice",
            "pay_own_branch_membership_invoices",
        )
    )
    employee = (
        AGENCY_VIEW_CAPS
        + ("view_customer_list", "view_customer_detail", "view_own_customer")
        + BRANCH_CAPS[:3]
        + EMPLOYEE_CAPS[:3]
        + invoice_view
    )
    return {
        "customer": _role("Customer", ()),
        "customer_admin": _role("Customer Admin", owner),
        "customer_branch_admin": _role("Customer Branch Admin", branch_admin),
        "customer_employee": _role("Customer Employee", employee),
    }


def _platform_roles() -> dict[str, RoleDefinition]:
    """wp-app-core's platform roles with the wp-customer caps they receive."""
    customer_views = ("view_customer_list", "view_customer_detail")
    branch_views = ("view_customer_branch_list", "view_customer_branch_detail")
    employee_views = ("view_customer_employee_list", "view_customer_employee_detail")
    invoice_views = ("view_customer_membership_invoice_list", "view_customer_membership_invoice_detail")
    super_admin = CUSTOMER_CAPS + BRANCH_CAPS + EMPLOYEE_CAPS + INVOICE_CAPS + PAYMENT_CAPS
    admin = (
        customer_views
        + ("add_customer", "edit_all_customers")
        + branch_views
        + ("add_customer_branch", "edit_all_customer_branches")
        + employee_views
        + invoice_views
        + (
            "create_customer_membership_invoice",
            "edit_all_customer_membership_invoices",
            "approve_customer_membership_invoice",
        )
    )
    manager = customer_views + branch_views + employee_views + invoice_views
    finance = (
        customer_views
        + branch_views
        + employee_views
        + invoice_views
        + (
            "create_customer_membership_invoice",
            "edit_all_customer_membership_invoices",
            "approve_customer_membership_invoice",
            "pay_all_customer_membership_invoices",
        )
    )
    return {
        "platform_staff": _role("Platform Staff", ()),
        "platform_super_admin": _role("Platform Super Admin", super_admin),
        "platform_admin": _role("Platform Admin", admin),
        "platform_manager": _role("Platform Manager", manager),
        "platform_support": _role("Platform Support", ()),
        "platform_finance": _role("Platform Finance", finance),
        "platform_analyst": _role("Platform Analyst", customer_views + ("view_customer_branch_list",)),
        "platform_viewer": _role("Platform Viewer", customer_views),
    }


def _agency_roles() -> dict[str, RoleDefinition]:
    """wp-agency's roles: agency view caps for all, edit/delete for the admin roles."""
    roles: dict[str, RoleDefinition] = {}
    for slug, name in AGENCY_ROLE_NAMES.items():
        extra = ("edit_agency", "delete_agency") if slug in AGENCY_ADMIN_ROLES else ()
        roles[slug] = _role(name, AGENCY_ROLE_VIEW_CAPS + extra)
    return roles


def build_role_definitions() -> dict[str, RoleDefinition]:
    """All roles a site with the four plugins has, in WordPress's option shape."""
    roles = {
        "administrator": _role("Administrator", WORDPRESS_ADMIN_CAPS + ALL_CUSTOMER_CAPS + AGENCY_PLUGIN_CAPS),
        "subscriber": _role("Subscriber", ("level_0",)),
    }
    roles.update(_customer_roles())
    roles.update(_platform_roles())
    roles.update(_agency_roles())
    return roles


ROLE_DEFINITIONS: dict[str, RoleDefinition] = build_role_definitions()
