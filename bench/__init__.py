"""Benchmarks and calibration for Kotae (`make bench`); not part of the installed package."""
