"""The teaching dashboard (the `viz` extra): a Mesa SolaraViz page."""
