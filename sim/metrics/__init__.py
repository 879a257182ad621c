"""Metrics from tidy tables: retention (Kaplan-Meier), flows, budget, targets."""
