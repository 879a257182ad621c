"""Write the teaching notebooks (outputs stripped) from the cell lists below.

.venv/bin/python scripts/make_notebooks.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

QUICKSTART = [
    (
        "md",
        "# 01 Quickstart: one run of the 2020 program\n\nLoad a scenario, run it, read the tidy "
        "tables, plot retention and flows. The teaching preset (`teaching_small`) is the 2020 baseline "
        "at one agent per 250 people, so it runs in about a second.",
    ),
    (
        "code",
        "from sim import load_scenario, run\nfrom sim import plotting\n\n"
        "sc = load_scenario('teaching_small')\nres = run(sc, seed=1)\n"
        "print(res.engine, res.n_agents, 'agents x', sc.population.people_per_agent, 'people')",
    ),
    (
        "md",
        "Every run gives the same tables: `monthly` (stocks and flows by county and registered-poor "
        "status, in people), `spells` (one row per Ningbo spell), `retention` (Kaplan-Meier), `budget` "
        "(the ledger) and `targets` (the calibration targets beside the model).",
    ),
    ("code", "res.tables['targets'][['id', 'metric', 'model', 'target', 'met']]"),
    ("code", "m = res.tables['monthly'].groupby('month')[['ningbo_job', 'arrivals_ningbo', 'return_home']].sum()\nm"),
    (
        "code",
        "ppa = res.scenario.population.people_per_agent  # each agent stands for this many people\n"
        "fig = plotting.retention_figure(res.tables['retention'], people_per_agent=ppa)",
    ),
    ("code", "fig = plotting.flows_figure(res.tables['monthly'])"),
    ("code", "res.tables['budget'].groupby(['policy', 'payer'])['yuan'].sum().sort_values(ascending=False)"),
    (
        "md",
        "**Try it**: change `seed` and run again. Which numbers move, and by how much? "
        "(The next notebook answers this properly with replicates.)",
    ),
    ("code", "assert 0 < res.metrics['retention_ningbo_3m'] <= 1"),
]

COMPARE = [
    (
        "md",
        "# 02 Compare policies: replicates, bands and paired differences\n\n"
        "Does liaison staff keep workers in Ningbo? One run proves nothing: we run replicates on seeds "
        "derived from one master seed, for the no-policy world and for liaison only, on the *same* "
        "seeds (common random numbers).",
    ),
    (
        "code",
        "from sim import load_scenario\nfrom sim.experiments.executors import InProcessExecutor\n"
        "from sim.experiments.replicates import run_replicates, aggregate\n"
        "from sim.experiments.compare import summarize_pairs\nfrom sim.streams import replicate_seeds\n"
        "from sim import plotting\n\nover = {'population': {'people_per_agent': 100}, "
        "'calendar': {'months': 12}}\nbase = load_scenario('no_policy', over)\n"
        "liaison = load_scenario('policy_liaison', over)\nseeds = replicate_seeds(2020, 8)\n"
        "ex = InProcessExecutor()\nreps_base = run_replicates(base, seeds, ex, 1, 'arrays', quiet=True)\n"
        "reps_liaison = run_replicates(liaison, seeds, ex, 1, 'arrays', quiet=True)",
    ),
    (
        "code",
        "bands = {'no policy': aggregate(reps_base)['retention_bands'],\n"
        "         'liaison': aggregate(reps_liaison)['retention_bands']}\n"
        "fig = plotting.retention_bands_figure(bands)",
    ),
    (
        "md",
        "The bands overlap. But the paired difference (same seed, with and without liaison) is much "
        "more precise: the column `variance_reduction` says how much smaller its variance is than that "
        "of the difference of two independent runs.",
    ),
    (
        "code",
        "s = summarize_pairs('liaison', reps_base, reps_liaison)\n"
        "s[['metric', 'baseline_mean', 'scenario_mean', 'diff_mean', 'diff_lo95', 'diff_hi95', "
        "'variance_reduction']]",
    ),
    ("code", "assert (s.set_index('metric').loc['retention_ningbo_6m', 'diff_mean']) > 0"),
]

BUDGET = [
    (
        "md",
        "# 03 A planner's question: what does the Cixi subsidy buy?\n\n"
        "Step by step: (1) run the 2020 program and its twin without the subsidies on the same seeds; "
        "(2) cost by year and payer; (3) extra retained worker-months and their price; (4) deadweight: "
        "money paid to people who would have stayed anyway.",
    ),
    (
        "code",
        "from sim import load_scenario\nfrom sim.budget.twin import run_twins, twin_metrics\n"
        "from sim.budget.tables import cost_bands, value_summary\nfrom sim.streams import replicate_seeds\n"
        "import pandas as pd\n\nover = {'population': {'people_per_agent': 100}, 'calendar': {'months': 12}}\n"
        "sc = load_scenario('baseline_2020', over)\ntwin = load_scenario('baseline_2020_no_subsidy', over)\n"
        "twins = [run_twins(sc, twin, s, 'arrays') for s in replicate_seeds(7, 6)]",
    ),
    ("md", "**(2) Cost by fiscal year, policy and payer** (yuan, mean and 5-95% band over replicates):"),
    ("code", "cost_bands(twins, ['year', 'policy', 'payer'])[['year', 'policy', 'payer', 'mean', 'q05', 'q95']]"),
    ("md", "**(3, 4) Value for money against the twin**, paired per seed:"),
    (
        "code",
        "per_seed = pd.DataFrame([twin_metrics(t) for t in twins])\nv = value_summary(per_seed)\n"
        "v[v.metric.isin(['extra_worker_months', 'incremental_cost_per_extra_worker_month', "
        "'deadweight_share'])]",
    ),
    (
        "md",
        "Read it like a planner: the incremental cost divides *all* money spent (here the subsidies, "
        "since everything else is the same in both runs) by the worker-months that would not have "
        "happened without it. A high deadweight share means most of the money went to workers who "
        "stayed anyway; `laborsim budget ... --brief brief.html` writes all of this as one file.",
    ),
    ("md", "**Where the money goes**, month by month, in one replicate (million yuan, cumulative):"),
    (
        "code",
        "from sim import plotting\n\none = twins[0]['policy']\n"
        "fig = plotting.budget_figure(one.tables['budget'], one.months)",
    ),
    ("code", "assert 0 <= v.set_index('metric').loc['deadweight_share', 'mean'] <= 1"),
]

AGENTS = [
    (
        "md",
        "# 04 Inside the agents: follow a few workers month by month\n\n"
        "On the Mesa agents engine every worker is a `mesa.Agent`. We follow a few of them through "
        "2020: departure, job, quit, return.",
    ),
    (
        "code",
        "from sim import load_scenario\nfrom sim.engines.agents import AgentsModel\n"
        "from sim.states import PLACE_LABELS\nimport pandas as pd\n\n"
        "model = AgentsModel(load_scenario('teaching_small'), seed=3)\n"
        "people = [w for w in model.workers if w.poor][:3] + [w for w in model.workers if not w.poor][:3]\n"
        "def snapshot(m):\n    return {w.idx: (PLACE_LABELS[w.place], w.firm.district if w.firm else '', w.tenure)"
        " for w in people}\n"
        "life = {'start': snapshot(model)}\nfor _ in range(12):\n    model.step()\n"
        "    life[model.labels[model.t - 1]] = snapshot(model)\n"
        "pd.DataFrame({k: {i: v[0] for i, v in s.items()} for k, s in life.items()}).T",
    ),
    (
        "md",
        "The same year for everyone (people, not agents: each agent stands for `people_per_agent` people):",
    ),
    (
        "code",
        "from sim import plotting\n\nfig = plotting.stocks_figure(pd.DataFrame(model.recorder.rows))",
    ),
    (
        "md",
        "Each cell of the table above is where the worker was at the end of the month. `festival_visit` is the Spring "
        "Festival trip home in January 2020; `ningbo_seeking` is a new arrival (or a job changer) "
        "looking for work.",
    ),
    (
        "md",
        "### Predict, then run\n\n**Exercise 1.** In February 2020 the lockdown let few people travel "
        "on their own. Predict: were there more arrivals in Ningbo in February or in March?",
    ),
    (
        "code",
        "m = pd.DataFrame(model.recorder.rows).groupby('month')[['arrivals_ningbo', 'arrivals_organized', "
        "'blocked_by_lockdown']].sum()\nm.loc[['2020-02', '2020-03']]",
    ),
    (
        "md",
        "*Answer*: March. In February most departures were blocked (`blocked_by_lockdown`); those who "
        "got out went by organized transport (`arrivals_organized`).",
    ),
    (
        "md",
        "**Exercise 2.** Predict: if liaison staff did nothing (hazard multiplier 1, no re-matching), "
        "would the months *before* anything differs be identical to this run? Run it.",
    ),
    (
        "code",
        "from sim import run\nsc = load_scenario('teaching_small')\n"
        "same = load_scenario('teaching_small', {'behavior': {'quit_hazard': {'liaison': 1.0}, "
        "'quit_outcome': {'liaison_shift_to_ningbo': 0.0}}})\n"
        "a, b = run(sc, seed=3, engine='agents'), run(same, seed=3, engine='agents')\n"
        "(a.tables['monthly']['ningbo_job'] - b.tables['monthly']['ningbo_job']).groupby("
        "a.tables['monthly']['month']).sum()",
    ),
    (
        "md",
        "*Answer*: identical until the first month in which a covered worker's quit draw falls between "
        "the two hazards; from then on the histories part. Every worker draws the same random numbers "
        "in both runs (common random numbers), so the difference is the liaison effect alone.",
    ),
    (
        "md",
        "### One worker's story, with the reasons\n\n"
        "Employers act too: they hire only workers whose skill is close enough to the job, let some go "
        "in probation (for skills or language that do not fit), train new hires (skill rises), and "
        "promote experienced workers to team leader (组长: more pay, fewer quits). Every quit, dismissal "
        "and return carries a reason code (`worker.reason`). We run two years with in-firm training for "
        "every new hire and, so that the story happens within two years, a higher chance of promotion "
        "(0.05 a month instead of 0.01), and keep a diary of every worker (fine for 1,400 agents; the "
        "model itself never keeps per-worker history).",
    ),
    (
        "code",
        """import numpy as np

from sim.reasons import REASONS
from sim.table import column

story = AgentsModel(
    load_scenario(
        "teaching_small",
        {
            "calendar": {"months": 24},
            "policies": {"in_firm_training": {"coverage": 1.0}},
            "behavior": {"employers": {"p_team_leader_month": 0.05}},
        },
    ),
    seed=5,
)
cols = ["place", "firm", "tenure", "skill", "trained", "leader", "reason"]
pages = []
for _ in range(24):
    story.step()
    page = pd.DataFrame({c: column(story.table, c) for c in cols})
    page["place"] = np.array(PLACE_LABELS)[page["place"]]
    page["reason"] = np.array(REASONS)[page["reason"]]
    pages.append(page.assign(month=story.labels[story.t - 1], worker=np.arange(len(page))))
diary = pd.concat(pages)

by_worker = diary.groupby("worker")
no_job_at_first = by_worker["firm"].first() < 0  # so we see the hire itself
promoted = by_worker["leader"].any() & by_worker["trained"].any() & no_job_at_first
dismissed = by_worker["reason"].apply(lambda r: (r == "dismissed").any()) & no_job_at_first
who = int(promoted[promoted].index[0]) if promoted.any() else int(dismissed[dismissed].index[0])


def what_happened(d):
    before = d.shift(1)
    ev = np.where((d["firm"] >= 0) & (d["tenure"] == 0), "hired", "")  # a job taken this month
    ev = np.where(d["trained"] & ~before["trained"].fillna(False).astype(bool), ev + " trained", ev)
    ev = np.where(d["leader"] & ~before["leader"].fillna(False).astype(bool), ev + " promoted to team leader", ev)
    changed = d["reason"] != before["reason"]
    ev = np.where(changed & (d["reason"] == "dismissed"), ev + " dismissed", ev)
    quit = changed & ~d["reason"].isin(["none", "dismissed"])
    ev = np.where(quit, ev + " left the job: " + d["reason"], ev)
    return d.assign(what_happened=pd.Series(ev, index=d.index).str.strip())


life_of = what_happened(diary[diary["worker"] == who].set_index("month"))
life_of = life_of.rename(columns={"reason": "reason_of_last_move"})  # kept until the next move
life_of[["place", "firm", "tenure", "skill", "trained", "leader", "reason_of_last_move", "what_happened"]]""",
    ),
    (
        "md",
        "Skill grows a step every six months in a job and jumps when the worker is trained; the "
        "markers show what happened and when:",
    ),
    (
        "code",
        """import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7.5, 3.5))
x = np.arange(len(life_of))
ax.plot(x, life_of["skill"], drawstyle="steps-post", label="skill")
for i, text in enumerate(life_of["what_happened"]):
    if text:
        ax.annotate(text, (x[i], life_of["skill"].iloc[i]), xytext=(0, 12), textcoords="offset points",
                    rotation=30, fontsize=8, arrowprops={"arrowstyle": "-"})
ax.set_xticks(x[::3], life_of.index[::3], rotation=45, ha="right", fontsize=8)
ax.set(ylabel="skill (0-1)", title=f"worker {who}: hire, training, promotion or dismissal", ylim=(0, 1.5))
ax.set_xlim(-0.5, len(x) + 4)  # room for the last labels
ax.set_yticks(np.linspace(0, 1, 6))  # skill runs 0-1; the space above holds the labels
fig.tight_layout()""",
    ),
    (
        "md",
        "Why did everyone move? The reasons of the two years' quits, dismissals and returns home "
        "(people), from the model's monthly counts (`flows_by_reason` in every results folder):",
    ),
    (
        "code",
        """story.recorder.reason_table(story.world.county_names).pivot_table(
    index="reason", columns="event", values="people", aggfunc="sum", fill_value=0
)""",
    ),
    ("code", "assert len(life) == 13 and life_of['what_happened'].str.len().gt(0).sum() >= 2"),
]


def build(cells):
    nb = new_notebook()
    nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating changes only the cells that changed
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def main() -> None:
    paths = []
    for name, cells in [
        ("01_quickstart", QUICKSTART),
        ("02_compare_policies", COMPARE),
        ("03_subsidy_budget", BUDGET),
        ("04_inside_the_agents", AGENTS),
    ]:
        nbformat.write(build(cells), OUT / f"{name}.ipynb")
        paths.append(str(OUT / f"{name}.ipynb"))
        print("wrote", paths[-1])
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    subprocess.run([ruff, "check", "--fix", "--select", "I", "--quiet", *paths], check=True)
    subprocess.run([ruff, "format", "--quiet", *paths], check=True)


if __name__ == "__main__":
    main()
