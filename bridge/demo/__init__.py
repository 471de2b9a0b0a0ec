"""The demo data generator behind ``wpbridge demo``: a whole WP Customer site, deterministic per seed.

It writes what the PHP plugins' demo generators write, at any size: WordPress users
with the plugins' dual roles, agencies per province with divisions and jurisdictions, platform
staff, customers with head offices and branches in real regions, and their employees. Nine
fixed "demo logins" (one per kind of user the access rules know) get application passwords so
the REST API can be tried at once; their secrets come from ``random.Random(seed)``.

Speed matters (100,000 customers is ~3.5 million rows): ids are assigned here, rows go out as
multi-row INSERTs of up to 5,000 rows, one transaction per batch, with unique and foreign-key
checks off for the session — so every unique value is made unique in Python before it is
written. Customers are generated in chunks; a worker thread writes one chunk while the next is
generated, which bounds memory and keeps both Python and MariaDB busy.

``generator`` runs the steps in order; ``people``, ``agencies`` and ``customers`` build the rows,
``writer`` turns them into INSERTs, ``site`` checks and completes the WordPress site, ``logins``
holds the fixed demo accounts, and ``words``, ``regions`` and ``values`` supply the raw material.
"""

from bridge.demo.generator import generate
from bridge.demo.logins import (
    DEMO_PASSWORD,
    FIXED_LOGINS,
    FixedLogin,
    demo_application_passwords,
    format_logins,
    rebase_logins,
)
from bridge.demo.result import DemoError, DemoLogin, DemoResult
from bridge.demo.site import GENERAL_OPTIONS

__all__ = [
    "DEMO_PASSWORD",
    "DemoError",
    "DemoLogin",
    "DemoResult",
    "FIXED_LOGINS",
    "FixedLogin",
    "GENERAL_OPTIONS",
    "demo_application_passwords",
    "format_logins",
    "generate",
    "rebase_logins",
]
