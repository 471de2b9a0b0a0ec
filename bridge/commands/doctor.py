"""``wpbridge doctor``: is this installation healthy? (the checks are in ``bridge/doctor.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge import doctor

if TYPE_CHECKING:
    from bridge.commands import Subcommands


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "doctor",
        help="check this installation: one line per check, a fix for each failure, exit 1 when any fails",
        description="Check the settings, the database (privileges, schema, indexes, outbox), the cache, the shared "
        "secret, the shim's events route and clock, and WordPress's secrets; see bridge/doctor.py.",
    )
    # It loads the settings itself: a bad setting is a failed check with its fix, not an exit.
    parser.set_defaults(func=None, standalone=doctor.run)
