"""Budgets for planners: cost by year and payer, value for money against a
baseline twin, deadweight, goal-seek, and a one-file brief."""
