"""Benchmarks: ratios of bplab against peers measured side by side in one run."""
