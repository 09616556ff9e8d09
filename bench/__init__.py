"""Benchmarks (printed figures, not tests): `python -m bench.consolidation`."""
