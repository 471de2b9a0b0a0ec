"""An optional trigram index for the customers table's global search (``wpbridge indexes --search``).

``LIKE '%term%'`` cannot use a B-tree: a first-time search reads every customer in scope and
looks up each owner. The index is three bridge-owned tables (``{prefix}wpbridge_search_*``;
the plugin's tables are never altered): every 3-character window of code, name, npwp, nib
and the owner's ``display_name`` → customer id, stored in the columns' own collation, so the
index finds what ``=`` under that collation finds — a superset of what ``LIKE`` finds
character by character. A term of 3+ characters then narrows the customers to the ids that
hold all its windows, and the unchanged ``LIKE`` still decides each candidate: the answer is
the LIKE answer by construction (``schema.py`` has the tables, ``build.py`` builds and
refreshes them, ``query.py`` uses them).

Freshness is proved, never assumed. A build or refresh records a *certificate* second: every
transaction it could not see started at or after it (``INNODB_TRX``). MariaDB keeps, per table,
the start second of the last transaction that wrote it (``UPDATE_TIME``). A search uses the
index only when ``wp_users`` was not written since the certificate (owners' names have no
``updated_at``); when the customers table was written since, the customers changed since
(``updated_at`` within ``SKEW_S`` of the certificate, or a higher id) are added to the
candidates. Otherwise — building, a server restart, another server than MariaDB — plain LIKE.
"""
