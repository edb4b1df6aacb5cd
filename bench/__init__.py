"""Benchmarks (plain scripts, not part of the test run); see docs/performance.md."""
