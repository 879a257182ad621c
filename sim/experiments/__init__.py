"""Experiments: replicates, paired comparisons, sweeps, executors."""
