"""Packages for setuptools; everything else about the project is in pyproject.toml.

``sql/`` and ``hooks/`` stay at the top of the repository (where a reader expects the schema and
the integration plugins) yet install inside the ``bridge`` namespace, as ``bridge.sql`` and
``bridge.bundled_hooks``, so the code reads them as package resources wherever pip puts them
(a plain top-level ``hooks`` package would clash with other projects). pyproject.toml cannot add
a remapped package to the automatically found ones, hence this file: new ``bridge.*`` packages
are still found without being listed.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bridge", "bridge.*"]), "bridge.sql", "bridge.bundled_hooks"],
    package_dir={"bridge.sql": "sql", "bridge.bundled_hooks": "hooks"},
    package_data={"bridge.sql": ["*.sql"]},
)
