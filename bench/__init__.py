"""The benchmark behind ``make bench`` (``python -m bench``): scenarios S1–S9 against a real
``wpbridge serve`` with wrk, the same SQL replayed by a bare aiomysql loop (the floor), and a
report of ratios measured in one run. Not part of the test suite; see README "Performance"."""
