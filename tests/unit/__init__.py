"""The fast tier: tests of pure modules that need no MariaDB, Redis or server (`make test-unit`)."""
