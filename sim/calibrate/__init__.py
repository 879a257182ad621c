"""Calibration: fit behavior parameters to the targets, lock the result, validate it."""
