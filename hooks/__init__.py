"""The bundled integration plugins, installed as the package ``bridge.bundled_hooks`` (see
setup.py) and loaded by ``bridge.plugins``; files starting with ``_`` (like this one) are not plugins."""
