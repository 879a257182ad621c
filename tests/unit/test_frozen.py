"""A validated scenario is immutable: a run can never change the scenario it was given."""

from __future__ import annotations

import copy
import pickle

import pytest
from pydantic import ValidationError

from sim.schema import Scenario


def test_assigning_a_field_raises(small):
    with pytest.raises(ValidationError, match="frozen"):
        small.seed = 3
    with pytest.raises(ValidationError, match="frozen"):
        small.behavior.departure.p_depart_home_month = 0.5
    with pytest.raises(ValidationError, match="frozen"):
        small.policies["liaison"].staff = 0
    assert small.seed == 20200101 and small.policies["liaison"].staff == 60


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.policies.__setitem__("extra", s.policies["liaison"]),
        lambda s: s.policies.pop("liaison"),
        lambda s: s.policies.update({}),
        lambda s: s.places.counties.clear(),
        lambda s: s.behavior.quit_hazard.by_tenure_month.__setitem__(1, 0.5),
        lambda s: s.population.initial_places.setdefault("x", 0.0),
        lambda s: s.calendar.spring_festival_month.__delitem__(2020),
    ],
)
def test_mappings_inside_are_read_only(small, change):
    with pytest.raises(TypeError, match="read-only"):
        change(small)


def test_sequences_inside_are_tuples(small):
    assert isinstance(small.behavior.departure.seasonal, tuple)
    assert isinstance(small.calendar.lockdown, tuple)
    assert isinstance(small.policies["cixi_subsidy"].schedule_yuan, tuple)
    assert isinstance(small.policies["cixi_subsidy"].eligibility.districts, tuple)
    assert isinstance(small.places.sectors["auto_parts"].seasonal_demand, tuple)


def test_derived_scenarios_leave_the_original_alone(small):
    other = small.model_copy(update={"seed": 7})
    assert other.seed == 7 and small.seed == 20200101
    sj = small.model_dump(mode="json")
    sj["policies"]["liaison"]["staff"] = 5
    assert Scenario.model_validate(sj).policies["liaison"].staff == 5 and small.policies["liaison"].staff == 60


def test_frozen_scenarios_pickle_copy_and_stay_read_only(small):
    for twin in (pickle.loads(pickle.dumps(small)), copy.deepcopy(small), copy.copy(small)):
        assert twin == small
        with pytest.raises(TypeError):
            twin.policies["x"] = None
