"""The teaching dashboard (the `viz` extra): a Solara page with one model per browser session."""
