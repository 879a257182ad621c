"""The arrays engine counts each month's stocks in its decide pass and keeps the
count up to date through `LaborModel.moving` (travel, arrival, hire); the count
it records must equal a full count of the worker table at the month's end."""

import numpy as np
import pytest

from sim import load_scenario
from sim.counts import early_failures
from sim.engines.arrays import ArraysModel
from sim.recorder import tally


class Checked(ArraysModel):
    """Compares the running count with a full count before each record phase."""

    def record_phase(self, m):
        stocks = np.zeros_like(self.recorder.stocks)
        stable = np.zeros_like(self.recorder.stable)
        tally(self.table, self.b.stable_min_months, stocks, stable)
        assert self.recorder.running, "the decide pass did not count this month"
        np.testing.assert_array_equal(self.recorder.stocks, stocks, err_msg=f"stocks, step {m.info.step}")
        np.testing.assert_array_equal(self.recorder.stable, stable, err_msg=f"stable, step {m.info.step}")
        self.checked = getattr(self, "checked", 0) + 1
        super().record_phase(m)


@pytest.mark.parametrize("name,ppa", [("teaching_small", 40), ("baseline_2020", 30)])
def test_running_count_equals_full_count(name, ppa):
    sc = load_scenario(name, {"population": {"people_per_agent": ppa}, "calendar": {"months": 26}})
    m = Checked(sc, 3)
    m.run()
    assert m.checked == 26


class CheckedLeaders(ArraysModel):
    """Compares the team leaders and broker recruits counted in the calendar pass
    with a full pass over the table at the employer phase that reads them."""

    def employer_phase(self, m):
        assert m.leaders is not None, "the calendar pass did not count team leaders"
        leaders, retained = self.leaders_and_recruits()
        np.testing.assert_array_equal(m.leaders, leaders, err_msg=f"team leaders, step {m.info.step}")
        np.testing.assert_array_equal(m.retained, retained, err_msg=f"broker recruits, step {m.info.step}")
        self.seen = getattr(self, "seen", 0) + int(leaders.sum() > 0 and retained.sum() > 0)
        super().employer_phase(m)

    def broker_news(self, step):
        """Each active broker hears of as many early failures (counted from the spells
        that arrived recently: the log is in order of arrival) as a count over the whole log."""
        full = np.zeros(len(self.brokers), np.int64)
        early_failures(self.spells.rows, self.spells.n, step, self.b.brokers.early_failure_months, full)
        active = [(b, b.failures) for b in self.brokers if b.active]
        super().broker_news(step)
        heard = np.array([b.failures - before for b, before in active], np.int64)
        np.testing.assert_array_equal(heard, full[[b.bidx for b, _ in active]], err_msg=f"step {step}")
        self.failures_seen = getattr(self, "failures_seen", 0) + int(heard.sum())


def test_calendar_pass_counts_team_leaders_and_broker_recruits():
    sc = load_scenario("baseline_2020", {"population": {"people_per_agent": 30}, "calendar": {"months": 26}})
    m = CheckedLeaders(sc, 3)
    m.run()
    assert m.seen >= 20  # months with team leaders and broker recruits in jobs to compare
    assert m.failures_seen > 0
    arrival = m.spells.rows["arrival_step"][: m.spells.n]
    assert np.all(np.diff(arrival) >= 0), "spells must be logged in order of arrival (broker_news relies on it)"
