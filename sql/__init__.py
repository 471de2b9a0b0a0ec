"""The schema files, installed as the package ``bridge.sql`` (see setup.py) and read by
``bridge.schema.load_sql`` through ``importlib.resources``."""
