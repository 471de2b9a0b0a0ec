"""The "Statistik Customer" block of WP Agency's agency info tab, as the shim's PHP renders it.

The browser's fast path asks the bridge for the agency tab's numbers with ``?shape=plugin`` and
puts this block where the shim left its placeholder in WP Agency's ``get_agency_details`` answer,
so the HTML must be byte for byte what ``WP_Customer_Bridge_Renderer::agency_statistics`` prints
on the admin-ajax path (with no callback on ``wp_customer_after_agency_statistics``: the fast path
is off while one exists). The texts are the plugin's Indonesian strings (its text domain has no
translations). ``tests/test_agency_tab_block.py`` runs the shim's renderer with WordPress's own
escaping and compares.
"""

from __future__ import annotations

from bridge.wp_escape import esc_html

_HEAD = (
    '<div class="agency-detail-section wp-customer-integration">\n'
    "\t<h3>Statistik Customer</h3>\n\n"
    '\t<div class="agency-detail-row">\n'
    "\t\t<label>Total Customer:</label>\n"
    "\t\t<span><strong>{customers}</strong></span>\n"
    "\t</div>\n\n"
    '\t<div class="agency-detail-row">\n'
    "\t\t<label>Total Cabang:</label>\n"
    "\t\t<span><strong>{branches}</strong></span>\n"
    "\t</div>\n\n"
    '\t\t\t<div class="agency-detail-row">\n'
    "\t\t<label>Keterangan:</label>\n"
)
_CONNECTED = "\t\t<span>\n\t\t\t{sentence}\t\t</span>\n"
_NONE = '\t\t<span class="text-muted">Belum ada customer yang terhubung dengan agency ini</span>\n'
_TAIL = (
    "\t</div>\n\t\t\n\t\t</div>\n\n"
    "<style>\n"
    "\t.wp-customer-integration {\n"
    "\t\tmargin-top: 20px;\n"
    "\t\tpadding-top: 20px;\n"
    "\t\tborder-top: 1px solid #e0e0e0;\n"
    "\t}\n\n"
    "\t.wp-customer-integration h3 {\n"
    "\t\tcolor: #2271b1;\n"
    "\t\tmargin-bottom: 15px;\n"
    "\t\tfont-size: 14px;\n"
    "\t\tfont-weight: 600;\n"
    "\t}\n\n"
    "\t.wp-customer-integration .agency-detail-row {\n"
    "\t\tmargin-bottom: 10px;\n"
    "\t}\n\n"
    "\t.wp-customer-integration .text-muted {\n"
    "\t\tcolor: #999;\n"
    "\t\tfont-style: italic;\n"
    "\t}\n"
    "</style>\n\t\t"
)


def agency_statistics_html(customer_count: int, branch_count: int) -> str:
    """The block for these two numbers (the plugin's sentence when there are customers)."""
    head = _HEAD.format(customers=esc_html(str(customer_count)), branches=esc_html(str(branch_count)))
    if customer_count > 0:
        sentence = f"{customer_count} customer terhubung dengan agency ini melalui {branch_count} cabang"
        return head + _CONNECTED.format(sentence=esc_html(sentence)) + _TAIL
    return head + _NONE + _TAIL
