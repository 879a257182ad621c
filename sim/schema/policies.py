"""Policy levers: what a policy question may change.

Each policy has a start and end month, an eligibility rule, a payer and an
optional budget cap that binds inside the run.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails

from .base import Month, People, Prob, Strict, Yuan, fail

Payer = Literal["sending_county", "ningbo", "central"]


class Eligibility(Strict):
    """Who a policy serves. Empty lists mean everyone."""

    poor_only: bool = False
    counties: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    first_time_only: bool = False


POLICY_TYPES: dict[str, type] = {}  # `type:` value -> schema class, filled as classes are defined


class PolicyBase(Strict):
    """Fields every policy has (`name_zh`: the policy's name in Chinese, shown with
    --lang zh). A subclass with a `type: Literal["name"]` field is registered under
    that name: a new lever is a schema class, one policy file (`sim/policies/`) and
    YAML; nothing else lists the policies."""

    enabled: bool = True
    name_zh: str | None = None
    start: Month | None = None
    end: Month | None = None
    payer: Payer = "ningbo"
    eligibility: Eligibility = Eligibility()
    budget_cap_yuan: Yuan | None = None
    cap_period: Literal["run", "year"] = "run"
    on_cap: Literal["stop", "queue"] = "stop"
    source: str = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("type")
        if field is not None and get_origin(field.annotation) is Literal:
            for name in get_args(field.annotation):
                POLICY_TYPES[name] = cls

    @model_validator(mode="after")
    def _start_before_end(self) -> PolicyBase:
        if self.start and self.end and self.end < self.start:
            raise fail("end", self.end, f"a month not before start ({self.start})")
        return self


class SubsidyPolicy(PolicyBase):
    """Stable-employment subsidy (稳岗就业补贴), as a program writes the rule.

    Who: `eligibility` (registered poor, counties, districts, first-time migrants:
    no earlier spell in Ningbo, the PRD or another region), `cohort` (`new_hires`:
    only workers whose Ningbo spell began at or after the policy's start;
    `all_employed`: incumbents too) and `program_firms_only` (not open-market jobs).
    A `take_up` share of those who qualify claims it (one draw per person).

    When: `schedule_yuan[k]` is earned in the k-th month of stable work counted
    from `waiting_months` (the first entry is earned in month `waiting_months` of
    work in qualifying jobs); `cadence` pays the earned entries monthly, quarterly
    (every 3 entries and at the end) or in one lump after `lump_after_months`
    months of work; each payment reaches the worker `lag_months` months of work
    after it is due (an open quit settles what the lag held back; a secret one
    forfeits it). A person gets at most one subsidy payment per month across
    all subsidy policies (a payment crowded out waits for the next month). A
    one-off transport bonus follows `transport_bonus_after_months` months of work.
    """

    type: Literal["subsidy"]
    schedule_yuan: Annotated[tuple[Yuan, ...], Field(max_length=60)] = ()
    cohort: Literal["new_hires", "all_employed"] = "new_hires"
    program_firms_only: bool = True
    waiting_months: Annotated[int, Field(ge=1, le=60)] = 3
    cadence: Literal["monthly", "quarterly", "lump"] = "monthly"
    lump_after_months: Annotated[int, Field(ge=1, le=120)] | None = None
    take_up: Prob = 1.0
    lag_months: Annotated[int, Field(ge=0, le=24)] = 0
    transport_bonus_yuan: Yuan = 0.0
    transport_bonus_after_months: Annotated[int, Field(ge=1, le=60)] = 3

    @model_validator(mode="after")
    def _lump_month(self) -> SubsidyPolicy:
        if self.cadence == "lump" and self.lump_after_months is not None:
            last = self.waiting_months + max(len(self.schedule_yuan), 1) - 1
            if self.lump_after_months < last:
                raise fail(
                    "lump_after_months", self.lump_after_months, f">= {last} (the month the last entry is earned)"
                )
        return self


class TrainingPolicy(PolicyBase):
    """Training: a `coverage` share of eligible new arrivals is trained, before
    departure (organized recruits) or in the firm (any newcomer)."""

    type: Literal["training"]
    stage: Literal["pre_departure", "in_firm"] = "in_firm"
    coverage: Prob = 0.5
    cost_yuan_per_trainee: Yuan = 0.0


class LiaisonPolicy(PolicyBase):
    """Resident liaison staff: each follows up to `workers_per_liaison` workers."""

    type: Literal["liaison"]
    staff: People = 0
    workers_per_liaison: Annotated[int, Field(ge=1, le=1_000_000)] = 100
    salary_yuan_month: Yuan = 0.0


class DormitoryPolicy(PolicyBase):
    """Dormitory places (the program "提供居住场所", issue 11): housed workers quit
    less (x behavior.quit_hazard.housed); each place costs its monthly cost."""

    type: Literal["dormitory"]
    places: People = 0
    cost_yuan_per_place_month: Yuan = 0.0


class TransportPolicy(PolicyBase):
    """Organized transport: chartered seats from the counties to the firms. The
    only way out in lockdown months."""

    type: Literal["transport"]
    seats_per_month: People = 0
    cost_yuan_per_seat: Yuan = 0.0


class LoveJobsPolicy(PolicyBase):
    """Love jobs reserved for registered-poor workers, pay topped up to a floor."""

    type: Literal["love_jobs"]
    quota_jobs: People = 0
    wage_floor_yuan_month: Yuan = 0.0


class BrokerPolicy(PolicyBase):
    """Queen-bee brokers recruit in their home counties and follow recruits up; they are
    paid per follow-up month (Wangmo: 40 yuan, up to 5 months), per placement, or by results."""

    type: Literal["brokers"]
    n_brokers: People = 0
    capacity_people_month: Annotated[float, Field(ge=0, le=1000)] = 5.0
    p_accept: Prob = 0.3
    p_accept_poor: Prob = 0.3
    fee_yuan_per_follow_up_month: Yuan = 0.0
    follow_up_months: Annotated[int, Field(ge=0, le=60)] = 5
    # issue 11: fees per placement (at the recruit's first hire) and by results (once, when the
    # recruit has been in Ningbo `results_after_months` months); amounts are levers, 0 = not paid
    fee_yuan_per_placement: Yuan = 0.0
    fee_yuan_on_result: Yuan = 0.0
    results_after_months: Annotated[int, Field(ge=1, le=60)] = 6


def validate_policies(value: Any) -> dict[str, PolicyBase]:
    """Validate `policies:` entry by entry with the schema class its `type` names
    (errors keep their key path: policies.<name>.<field>)."""
    if not isinstance(value, dict):
        raise ValueError(f"a mapping of policy names to policies, not {type(value).__name__}")
    out, errors = {}, []
    for name, item in value.items():
        if isinstance(item, PolicyBase):
            out[name] = item
            continue
        kind = item.get("type") if isinstance(item, dict) else None
        cls = POLICY_TYPES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            allowed = ", ".join(repr(k) for k in sorted(POLICY_TYPES))
            errors.append(
                InitErrorDetails(type="literal_error", loc=(name, "type"), input=kind, ctx={"expected": allowed})
            )
            continue
        try:
            out[name] = cls.model_validate(item)
        except ValidationError as e:
            for d in e.errors():
                errors.append(
                    InitErrorDetails(type=d["type"], loc=(name, *d["loc"]), input=d["input"], ctx=d.get("ctx", {}))
                )
    if errors:
        raise ValidationError.from_exception_data("policies", errors)
    return out
