"""Benchmarks: quality on real Persian data and speed at scale, each side by side with fastText."""
