"""The teaching dashboard: components without a browser, then the real page in
headless Chromium against a server on 127.0.0.1 (started and stopped by PID)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR", ROOT / ".solara-cache"))


def test_dashboard_model_levers_and_twin():
    from sim.app.model import DashboardModel

    low = DashboardModel(subsidy_total_yuan=0, n_brokers=0, transport_seats=0)
    high = DashboardModel(subsidy_total_yuan=40000)
    assert [p.cfg.schedule_yuan for p in high.subsidies][0] == (40000 / 9,) * 9  # frozen scenario: a tuple
    for m in (low, high):
        for _ in range(4):
            m.step()
    df = high.datacollector.get_model_vars_dataframe()
    assert len(df) == 5 and df["Cumulative budget (M yuan)"].is_monotonic_increasing
    assert high.ledger.total_yuan > low.ledger.total_yuan
    assert high.twin.ledger.total_yuan == 0  # side B is the same world with no policy
    side_b = DashboardModel(second="policy_liaison")
    side_b.step()
    assert side_b.twin.sc.name == "policy_liaison" and side_b.twin.ledger.total_yuan > 0
    flows = high.county_district_flows()
    assert flows.sum() == sum(high.scale for w in high.workers if w.firm is not None)


def test_components_render_without_a_browser():
    import ipyvuetify as v
    import ipywidgets
    import solara

    from sim.app.components import MapPanel, MonthPanel, RetentionPanel
    from sim.app.model import DashboardModel

    m = DashboardModel()
    m.step()
    _, rc = solara.render(MonthPanel(m), handle_error=False)
    assert rc.find(v.CardTitle).widget.children == ["Month: 2020-01"]
    table = rc.find(v.VuetifyTemplate).widget.template
    assert f"{m.ledger.total_yuan / 1e6:,.2f}" in table and "in Ningbo jobs" in table
    _, rc = solara.render(solara.Column(children=[RetentionPanel(m), MapPanel(m)]), handle_error=False)
    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 2 and all(len(w.value) > 1000 for w in images)  # two PNG figures drawn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not (CACHE / "requirejs@2.3.6").is_dir():
        subprocess.run(["bash", str(ROOT / "scripts" / "solara_assets.sh"), str(CACHE), sys.executable], check=True)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", "teaching_small", "--port", str(port), "--assets", str(CACHE)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 90
        while True:
            try:
                if urllib.request.urlopen(url, timeout=2).status == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.time() < deadline, "dashboard server did not start"
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)


def test_page_in_headless_chromium(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.goto(server)
        expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Month: start")).to_be_visible()
        plots = page.locator("img")
        expect(plots.first).to_be_visible(timeout=30_000)
        assert plots.count() >= 4  # stocks, flows, retention, budget, map
        before = plots.nth(1).get_attribute("src")
        # move the subsidy slider with the keyboard, then Reset (levers apply on reset) and Step
        slider = page.get_by_role("slider").nth(2)
        value = slider.get_attribute("aria-valuenow")
        slider.focus()
        page.keyboard.press("ArrowRight")
        expect(slider).not_to_have_attribute("aria-valuenow", value)
        page.get_by_role("button", name="Reset").click()
        page.get_by_role("button", name="Step").click()
        expect(page.get_by_text("Time: 1.0")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Month: 2020-01")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(1000)
        assert plots.nth(1).get_attribute("src") != before  # the plot was redrawn
        assert errors == []
        browser.close()
