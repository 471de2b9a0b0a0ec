"""Helpers the tests share: servers, connections, requests and fixtures' building blocks.

Test modules import from here, never from each other or from a conftest (tests/unit/test_test_layout.py)."""
