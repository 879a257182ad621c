"""The teaching dashboard, as a class uses it.

Without a browser: the model and its levers, one model per session, the figures (month
labels, A and B on a range of their own, never empty, Chinese without missing glyphs),
and the `laborsim app` command (bad --assets, SIGTERM/SIGINT). Then the real page in
headless Chromium against servers on 127.0.0.1: two sessions step independently, the
levers show their values, no Mesa internals, Chinese labels with --lang zh, and the
server's memory stays flat over a 60-month run."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR", ROOT / ".solara-cache"))
MB = 2**20


# ---- the model and the figures ---------------------------------------------------------
def test_dashboard_model_levers_and_twin():
    from sim.app.model import DashboardModel

    low = DashboardModel(subsidy_total_yuan=0, n_brokers=0, transport_seats=0)
    high = DashboardModel(subsidy_total_yuan=40000)
    subsidies = [p for p in high.policies.values() if p.cfg.type == "subsidy"]
    assert subsidies[0].cfg.schedule_yuan == (40000 / 9,) * 9  # frozen scenario: a tuple
    for m in (low, high):
        for _ in range(4):
            m.step()
    h = high.history()
    assert list(h[h.side == "A"]["t"]) == [0, 1, 2, 3, 4]
    assert h[h.side == "A"]["spent_yuan"].is_monotonic_increasing
    assert high.ledger.total_yuan > low.ledger.total_yuan
    assert (h[h.side == "B"]["spent_yuan"] == 0).all()  # side B is the same world with no policy
    side_b = DashboardModel(second="policy_liaison")
    side_b.step()
    assert side_b.twin.sc.name == "policy_liaison" and side_b.twin.ledger.total_yuan > 0
    one = high.history("Wangmo")
    assert (one["ningbo_job"] < h["ningbo_job"]).all() and one["ningbo_job"].iloc[-1] > 0
    flows = high.county_district_flows()
    assert flows.sum() == sum(high.scale for w in high.workers if w.firm is not None)


def test_any_scenario_runs_at_teaching_scale():
    from sim.app.model import TEACHING_PEOPLE_PER_AGENT, DashboardModel

    m = DashboardModel(preset="baseline_2020_full")  # 1:1 on the command line: too slow for a class
    assert m.sc.population.people_per_agent == TEACHING_PEOPLE_PER_AGENT == m.twin.sc.population.people_per_agent


def _render_page():
    import solara

    from sim.app.page import Page

    return solara.render(Page(), handle_error=False)[1]


def _button(rc, label):
    import ipyvuetify as v

    return rc.find(v.Btn, children=[label]).widget


def _titles(rc):
    import ipyvuetify as v

    return [w.children[0] for w in rc.find(v.CardTitle).widgets if w.children]


def test_each_session_builds_its_own_model():
    first, second = _render_page(), _render_page()
    _button(first, "Step one month").click()
    _button(first, "Step one month").click()
    assert "Month 2020-02 (2 of 12)" in _titles(first)
    assert "Start of 2020-01 (0 of 12 months)" in _titles(second)  # not where the first left it
    _button(second, "Step one month").click()
    assert "Month 2020-01 (1 of 12)" in _titles(second) and "Month 2020-02 (2 of 12)" in _titles(first)


def test_levers_show_value_and_unit_and_apply_on_reset():
    import ipyvuetify as v

    rc = _render_page()
    texts = lambda: [w.children[0] for w in rc.find(v.Html, tag="span").widgets if w.children]  # noqa: E731
    assert "Stable-job subsidy per worker: 20,000 yuan" in texts()
    assert "Policy levers of side A (they apply on Reset)" in _titles(rc)
    rc.find(v.Slider).widgets[0].v_model = 25000
    assert "Stable-job subsidy per worker: 25,000 yuan" in texts()
    assert rc.find(v.Alert).widgets, "no word that the change waits for Reset"
    _button(rc, "Reset").click()
    assert not rc.find(v.Alert).widgets


def _figures(lang, months=0):
    from sim.app import figures
    from sim.app.model import DashboardModel

    m = DashboardModel()
    for _ in range(months):
        m.step()
    return m, figures.panels(m, lang), figures


def test_figures_have_month_labels_and_are_not_empty_at_the_start():
    m, panels, _ = _figures("en")
    for key, fig in panels.items():
        fig.canvas.draw()
        for ax in fig.axes:
            marked = [ln for ln in ax.get_lines() if len(ln.get_xdata()) and ln.get_marker() not in ("", "None")]
            assert marked or ax.texts or key == "map_help", f"{key}: an empty plot at the start"
    for key in ("jobs_help", "seeking_help", "returns_help", "budget_help", "elsewhere_help"):
        for ax in panels[key].axes:
            labels = [x.get_text() for x in ax.get_xticklabels()]
            assert labels[0] == "start" and all(re.fullmatch(r"20\d\d-\d\d", x) for x in labels[1:]), (key, labels)
            assert len(labels) >= 5 and "month" in ax.get_xlabel() and "Step" not in ax.get_xlabel()


def test_a_and_b_lines_each_on_a_range_of_their_own():
    m, panels, figures = _figures("en", months=6)
    h = m.history()
    pairs = (("jobs_help", "ningbo_job"), ("seeking_help", "ningbo_seeking"), ("returns_help", "return_home"))
    for key, column in pairs:
        top = panels[key].axes[0].get_ylim()[1]
        assert h[column].max() <= top <= figures.HEADROOM * h[column].max() + 1, key  # not squashed under "at home"
        assert h["at_home"].max() > 2 * top


def test_legends_hide_no_point():
    """Early in the run the newest points are at the left, late at the right: a legend in
    a corner hid the current month (a teacher's finding); none may cover a point."""
    m, panels, _ = _figures("en", months=3)
    for key, fig in panels.items():
        fig.canvas.draw()
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is None:
                continue
            box = legend.get_window_extent()
            for line in ax.get_lines():
                pts = ax.transData.transform(line.get_xydata())
                assert not any(box.contains(x, y) for x, y in pts), (key, line.get_label())


def test_figures_in_chinese_have_every_glyph():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        m, panels, figures = _figures("zh", months=2)
        panels["county"] = figures.county_panel(m, "Wangmo", "zh")
        for fig in panels.values():
            figures.png(fig)
    map_text = [x.get_text() for x in panels["map_help"].axes[0].texts]
    assert "兴义市" in map_text and "慈溪市" in map_text
    assert panels["jobs_help"].axes[0].get_title() == "在宁波就业人数"


def test_language_follows_the_locale():
    from sim.app.text import default_lang

    assert default_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert default_lang({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert default_lang({}) == "en"


# ---- the command -----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _descendants(pid: int) -> set[int]:
    """Every live process below `pid`, from /proc."""
    parent = {}
    for p in Path("/proc").glob("[0-9]*"):
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            parent[int(p.name)] = int(fields[1])
    out, todo = set(), [pid]
    while todo:
        current = todo.pop()
        kids = [c for c, pp in parent.items() if pp == current]
        out.update(kids)
        todo += kids
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total / MB


def _ensure_assets():
    if not (CACHE / "requirejs@2.3.6").is_dir():
        subprocess.run(["bash", str(ROOT / "scripts" / "solara_assets.sh"), str(CACHE), sys.executable], check=True)


@contextmanager
def app_server(*options):
    """`laborsim app ...` on a free port; yields (url, process); stops the whole group at the end."""
    _ensure_assets()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", *options, "--port", str(port), "--assets", str(CACHE)],
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
        yield url, proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=20)


def test_app_with_a_missing_assets_folder_says_so(tmp_path):
    missing = tmp_path / "no-such-cache"
    cmd = [sys.executable, "-m", "sim", "app", "--assets", str(missing), "--port", str(_free_port())]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("laborsim app served a blank page instead of refusing a missing --assets folder")
    assert proc.returncode == 2
    assert err.strip().count("\n") == 0 and "--assets" in err and str(missing) in err and "Traceback" not in err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_app_stops_its_server_on_a_signal(sig):
    with app_server("teaching_small") as (url, proc):
        port = int(url.rsplit(":", 1)[1].strip("/"))
        below = _descendants(proc.pid)
        os.kill(proc.pid, sig)  # the PID a teacher sees, not the process group
        proc.wait(timeout=30)
        deadline = time.time() + 10
        while (_port_open(port) or any(map(_alive, below))) and time.time() < deadline:
            time.sleep(0.2)
        assert not _port_open(port), "the Solara server still listens"
        assert not [p for p in below if _alive(p)], "a child of laborsim app is still alive"


# ---- the page in a browser -------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def server_60(tmp_path_factory):
    """The teaching preset over 60 months (2020-01 .. 2024-12), in English."""
    path = tmp_path_factory.mktemp("scenario") / "teaching_60.yaml"
    base = ROOT / "scenarios" / "teaching_small.yaml"
    path.write_text(f"extends: {base}\nname: teaching_60\ncalendar:\n  months: 60\n")
    with app_server(str(path), "--lang", "en") as served:
        yield served


def _open(browser, url):
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    expect(page.get_by_text("Start of 2020-01 (0 of 60 months)")).to_be_visible(timeout=60_000)
    return ctx, page, errors


def test_two_browser_sessions_step_independently(browser, server_60):
    from playwright.sync_api import expect

    url, _ = server_60
    ctx1, one, errors1 = _open(browser, url)
    for _ in range(2):
        one.get_by_role("button", name="Step one month").click()
    expect(one.get_by_text("Month 2020-02 (2 of 60)")).to_be_visible(timeout=30_000)
    ctx2, two, errors2 = _open(browser, url)  # a second student opens at the start, not at 2020-02
    two.get_by_role("button", name="Step one month").click()
    expect(two.get_by_text("Month 2020-01 (1 of 60)")).to_be_visible(timeout=30_000)
    one.wait_for_timeout(1000)
    expect(one.get_by_text("Month 2020-02 (2 of 60)")).to_be_visible()  # the first did not move
    body = two.locator("body").inner_text()
    for internal in ("Use Threads", "PAGE 0", "Time:"):
        assert internal not in body, f"Mesa internals shown: {internal}"
    assert "Stable-job subsidy per worker: 20,000 yuan" in body and "apply on Reset" in body
    assert two.locator("img").count() >= 8  # seven panels and the county view
    assert errors1 == errors2 == []
    ctx1.close()
    ctx2.close()


def test_controls_fit_their_card_on_a_laptop_screen(browser, server_60):
    """At 1280 px the Reset button ran past the edge of its card (a teacher's finding)."""
    from playwright.sync_api import expect

    url, _ = server_60
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(url)
    expect(page.get_by_text("Start of 2020-01 (0 of 60 months)")).to_be_visible(timeout=60_000)
    card = page.locator(".v-card").first.bounding_box()
    for name in ("Step one month", "Play", "Reset"):
        b = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert card["x"] <= b["x"] and b["x"] + b["width"] <= card["x"] + card["width"], name
    ctx.close()


def test_memory_stays_flat_over_60_months(browser, server_60):
    from playwright.sync_api import expect

    url, proc = server_60
    ctx, page, errors = _open(browser, url)

    def month() -> int:
        found = re.search(r"\((\d+) of 60\)", page.locator("main").inner_text())
        return int(found.group(1)) if found else 0

    page.get_by_role("button", name="Play").click()
    deadline = time.time() + 300
    while month() < 10 and time.time() < deadline:
        page.wait_for_timeout(200)
    page.get_by_role("button", name="Pause").click()  # Play draws some months only: pause to measure
    page.wait_for_timeout(1000)
    paused = month()
    assert 10 <= paused < 60
    warm = _rss_mb({proc.pid} | _descendants(proc.pid))
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_text("Month 2024-12 (60 of 60)")).to_be_visible(timeout=600_000)
    end = _rss_mb({proc.pid} | _descendants(proc.pid))
    print(f"server RSS: {warm:.0f} MB at month {paused}, {end:.0f} MB at month 60")
    assert end - warm < 40, f"server memory grew {end - warm:.0f} MB from month {paused} to 60"
    assert errors == []
    ctx.close()


def test_chinese_labels_with_lang_zh(browser):
    from playwright.sync_api import expect

    with app_server("teaching_small", "--lang", "zh") as (url, _):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.goto(url)
        expect(page.get_by_text("2020-01 月初（共 12 个月，尚未开始）")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="前进一个月").click()
        expect(page.get_by_text("月份 2020-01（第 1 / 12 个月）")).to_be_visible(timeout=30_000)
        body = page.locator("body").inner_text()
        for words in ("稳岗就业补贴（每人）：20,000 元", "按“重置”后生效", "实线为 A", "兴义市"):
            assert words in body, words
        ctx.close()


def test_scenario_pickers_and_county_view():
    import ipyvuetify as v

    rc = _render_page()
    select = {w.label: w for w in rc.find(v.Select).widgets}
    pick_a, pick_b, pick_county = select["Side A: scenario"], select["Side B: compare with"], select["County"]
    assert "policy_liaison" in pick_a.items and pick_b.v_model == "the same world, no policy"
    pick_b.v_model = "policy_liaison"
    about = " ".join(w.template for w in rc.find(v.VuetifyTemplate).widgets if isinstance(w.template, str))
    assert "<strong>B</strong> = <code>policy_liaison</code>" in about
    pick_county.v_model = "Wangmo"
    texts = [w.children[0] for w in rc.find(v.Html, tag="span").widgets if w.children]
    assert "The same lines for people from Wangmo only (paired with Yuyao)." in texts


def test_chinese_page_names_counties_districts_and_policies_from_the_scenario():
    import ipyvuetify as v

    rc = _render_page()
    _button(rc, "中文").click()  # the language button of this session
    for _ in range(5):  # subsidies pay from month 3 of work (waiting_months), so from April
        _button(rc, "前进一个月").click()
    assert "月份 2020-05（第 5 / 12 个月）" in _titles(rc)
    tables = " ".join(w.template for w in rc.find(v.VuetifyTemplate).widgets if isinstance(w.template, str))
    assert "慈溪稳岗就业补贴" in tables and "驻厂人员" in tables  # policies' name_zh
    texts = [w.children[0] for w in rc.find(v.Html, tag="span").widgets if w.children]
    assert "只看来自兴义市的人（对口余姚市）。" in texts  # county and district name_zh
    assert {w.label: w for w in rc.find(v.Select).widgets}["县（市）"].v_model == "兴义市"
