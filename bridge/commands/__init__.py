"""``wpbridge``'s subcommands, one module per concern, and what they share.

Each module has ``register(commands)``, which adds its subcommands (``commands.add_parser``) and
sets each one's handler (``set_defaults(func=...)``): a ``Run`` taking the settings and the parsed
arguments and returning the exit status. ``bridge/cli.py`` builds the parser from the list of
those functions, ``COMMANDS``, and hands the serving commands the app factory (it alone imports
``bridge.app``). What the subcommands share is here: a connection, the table names, the local
URL, the type of a count option.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

import pymysql

from bridge.schema import TableNames
from bridge.settings import WILDCARD_HOSTS, Settings

if TYPE_CHECKING:
    # What ``ArgumentParser.add_subparsers`` returns; argparse keeps the class private.
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

Run = Callable[[Settings, argparse.Namespace], int]  # a subcommand: settings and arguments → exit status
Register = Callable[["Subcommands"], None]  # a module's ``register``: adds its subcommands


def connect(settings: Settings) -> pymysql.connections.Connection:
    """An autocommit connection to ``BRIDGE_DATABASE_URL`` (the commands' own, not the server's pool)."""
    return pymysql.connect(autocommit=True, **settings.database_url.connect_kwargs())


def table_names(settings: Settings) -> TableNames:
    return TableNames.for_prefix(settings.table_prefix, settings.base_prefix)


def local_url(settings: Settings) -> str:
    """The address the bridge listens on, as a URL for this machine (a wildcard host as 127.0.0.1)."""
    host = "127.0.0.1" if settings.host in WILDCARD_HOSTS else settings.host
    return f"http://{host}:{settings.port}"


def at_least_one(raw: str) -> int:
    """argparse type for counts: checked before anything is written (``--customers 0`` once crashed mid-way)."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
