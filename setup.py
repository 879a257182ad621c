"""The one packaging rule pyproject.toml cannot state with automatic package discovery:
the shipped scenarios stay in the top-level `scenarios/` folder (design card) and are
installed as the package `laborsim_scenarios`, so an installed wheel can run
`laborsim run teaching_small`; package data are listed here too (pyproject's
[tool.setuptools.package-data] would replace this list). Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

# Folders of data only are listed as packages of their own (setuptools warns about data in a
# folder that is not a listed package, and will stop installing it).
DATA_PACKAGES = ["laborsim_scenarios.sweeps", "laborsim_scenarios.calibrated", "sim.budget.templates"]

setup(
    packages=find_packages(include=["sim", "sim.*"]) + ["laborsim_scenarios"] + DATA_PACKAGES,
    package_dir={"laborsim_scenarios": "scenarios"},
    package_data={
        "laborsim_scenarios": ["*.yaml", "README.md"],
        "laborsim_scenarios.sweeps": ["*.yaml"],
        "laborsim_scenarios.calibrated": ["*.yaml"],
        "sim.budget.templates": ["*.html"],  # the planner brief's template
    },
)
