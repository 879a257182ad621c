"""The shipped scenarios, sweeps and calibration targets, installed as the package
`laborsim_scenarios` (see setup.py) so that `sim.loader` finds them with
`importlib.resources` wherever laborsim is installed."""
