"""Messages in English and Chinese: `t(key, lang)`, the language default, labels for codes.

Rules:
- The language is `en` or `zh`. Without an explicit choice it comes from the
  locale (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`: a value starting with
  `zh` means Chinese, anything else English); a command's `--lang` sets it for
  the whole process with `set_lang`.
- A key missing in Chinese falls back to English; a code with no message
  (a new state, a policy key) is shown with underscores as spaces.
- Figures that show Chinese need a CJK font (Debian's fonts-noto-cjk):
  `use_cjk_font()` puts it in matplotlib's fallback list.
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")
_chosen: str | None = None

#: key -> (English, Chinese)
MESSAGES: dict[str, tuple[str, str]] = {
    # where people are (monthly stocks)
    "state.home": ("at home", "在家"),
    "state.local_job": ("local job", "本地就业"),
    "state.ningbo_seeking": ("seeking work in Ningbo", "在宁波求职"),
    "state.ningbo_job": ("job in Ningbo", "在宁波就业"),
    "state.prd": ("Pearl River Delta", "珠三角"),
    "state.other_region": ("other region", "其他地区"),
    "state.festival_visit": ("home for the festival", "春节返乡"),
    # monthly flows
    "flow.departures": ("departures from home", "离家外出"),
    "flow.arrivals_ningbo": ("arrivals in Ningbo", "到达宁波"),
    "flow.return_home": ("return flow home from Ningbo", "从宁波回流"),
    "flow.quits": ("quits in Ningbo", "在宁波离职"),
    "flow.festival_visits": ("festival visits home", "春节返乡探亲"),
    # groups of workers
    "group.all": ("all arrivals", "全部到达者"),
    "group.poor": ("registered poor", "建档立卡贫困劳动力"),
    "group.not_poor": ("not registered poor", "非建档立卡"),
    "group.unsupported": ("without support", "无政策支持"),
    "group.organized": ("organized channel", "有组织输出"),
    "group.broker": ("via brokers", "经纪人介绍"),
    # breakdowns of retention and flows (`laborsim run --by`) and their generic values
    "by.county": ("county of origin", "来源县"),
    "by.district": ("Ningbo district", "宁波区县（市）"),
    "by.sector": ("sector", "行业"),
    "by.firm_size": ("firm size", "企业规模"),
    "by.gender": ("gender", "性别"),
    "by.age_band": ("age band", "年龄段"),
    "by.broker": ("broker-recruited or not", "是否经纪人介绍"),
    "value.female": ("female", "女"),
    "value.male": ("male", "男"),
    "value.broker": ("via a broker", "经纪人介绍"),
    "value.not broker": ("not via a broker", "非经纪人介绍"),
    "value.not hired": ("not hired", "未就业"),
    # why workers moved (sim.reasons)
    "reason.none": ("none", "无"),
    "reason.personal": ("personal", "个人原因"),
    "reason.low_wage": ("low wage", "工资偏低"),
    "reason.mismatch": ("skills do not fit", "技能不匹配"),
    "reason.subsidy_ended": ("subsidy ended", "补贴结束"),
    "reason.language": ("language", "语言不通"),
    "reason.family": ("family", "家庭原因"),
    "reason.dismissed": ("dismissed", "被企业淘汰"),
    "reason.festival_stay": ("stayed after the festival", "春节后未返岗"),
    "reason.gave_up_search": ("gave up the search", "求职未果"),
    # payers
    "payer.sending_county": ("sending county", "输出地县"),
    "payer.ningbo": ("Ningbo", "宁波"),
    "payer.central": ("central transfer", "中央转移支付"),
    "payer.all": ("all payers", "全部出资方"),
    # units and axes
    "unit.people": ("people", "人"),
    "unit.people_per_month": ("people per month", "人/月"),
    "unit.million_yuan_cum": ("million yuan (cumulative)", "百万元（累计）"),
    "unit.yuan": ("yuan", "元"),
    "unit.million_yuan": ("million yuan", "百万元"),
    "unit.share": ("share", "比例"),
    "unit.person_months": ("person-months", "人月"),
    "axis.months_since_arrival": ("months since arrival", "到达后月数"),
    "axis.share_still_ningbo": ("share still in Ningbo", "仍在宁波的比例"),
    "axis.share_still_first_job": ("share still in first job", "仍在首份工作的比例"),
    "axis.month": ("month", "月份"),
    "measure.ningbo": ("in Ningbo", "留在宁波"),
    "measure.first_job": ("in first job", "留在首份工作"),
    # figure titles
    "fig.retention": ("Retention {what} (Kaplan-Meier, 95% band)", "留存率：{what}（Kaplan-Meier，95%置信带）"),
    "fig.retention_bands": (
        "Retention {what}, {group} (median, 5-95% band over {n} replicates)",
        "留存率：{what}，{group}（中位数，{n}次重复的5-95%区间）",
    ),
    "fig.flows": ("Outflow and return flow", "外出与回流"),
    "fig.flows_bands": ("Flows (median, 5-95% band over replicates)", "流动（中位数，重复运行的5-95%区间）"),
    "fig.stocks": ("Where the mobile labor pool is", "流动劳动力分布"),
    "fig.budget": ("Cumulative budget by policy", "各政策累计支出"),
    "fig.budget_bands": (
        "Cumulative budget (median and 5-95% of replicates' running totals)",
        "累计支出（各次重复运行累计值的中位数及5-95%区间）",
    ),
    "fig.paired": (
        "Difference from {base} (same seeds), mean and 95% interval",
        "与{base}之差（相同随机种子），均值及95%置信区间",
    ),
    "fig.paired_x": ("difference (scenario - baseline), percentage points", "差值（情景 - 基线），百分点"),
    "fig.sobol": ("Sensitivity of {output}", "{output}的敏感性"),
    "fig.sobol_small": (
        "WARNING: sample too small, indices uncertain (see sobol.csv)",
        "警告：样本过小，指数不确定（见 sobol.csv）",
    ),
    "fig.sobol_s1": ("first order S1", "一阶指数 S1"),
    "fig.sobol_st": ("total order ST", "总效应指数 ST"),
    "fig.sobol_x": ("Sobol index", "Sobol 指数"),
    "fig.n_people": ("n = {n} people", "n = {n} 人"),
    "fig.median_of": ("median of {n}", "{n}次中位数"),
    # headline metrics
    "metric.arrivals_ningbo_jan_may_2020": ("arrivals in Ningbo, Jan-May 2020", "2020年1-5月到达宁波人数"),
    "metric.retention_ningbo_3m": ("3-month retention in Ningbo", "3个月宁波留存率"),
    "metric.retention_ningbo_6m": ("6-month retention in Ningbo", "6个月宁波留存率"),
    "metric.retention_ningbo_12m": ("12-month retention in Ningbo", "12个月宁波留存率"),
    "metric.retention_ningbo_3m_poor": ("3-month retention, registered poor", "3个月留存率（建档立卡）"),
    "metric.retention_ningbo_6m_poor": ("6-month retention, registered poor", "6个月留存率（建档立卡）"),
    "metric.retention_ningbo_12m_poor": ("12-month retention, registered poor", "12个月留存率（建档立卡）"),
    "metric.return_home_total": ("return flow home (people)", "回流人数"),
    "metric.cost_total_yuan": ("cost of all policies (yuan)", "全部政策支出（元）"),
    # the terminal summary
    "cli.header": (
        "{name}: seed {seed}, engine {engine}, {agents:,} agents x {ppa:g} people, {months} months, {wall:.1f} s",
        "{name}：种子 {seed}，引擎 {engine}，{agents:,} 个主体 × {ppa:g} 人，{months} 个月，{wall:.1f} 秒",
    ),
    "cli.targets_head": ("target|metric|model|target|tol|met", "目标|指标|模型|目标值|容差|达到"),
    "cli.met_yes": ("yes", "是"),
    "cli.met_no": ("NO", "否"),
    "cli.held_out": ("held out", "留出"),
    "cli.targets_met": (
        "{met} of {n} targets met; held out of calibration (not fitted; at a coarse people-per-agent they vary "
        "with the seed, scenarios/README.md): {held}",
        "{n} 个目标中达到 {met} 个；未参与校准的留出目标（不拟合；每个代理代表的人数较多时随随机种子变化，"
        "见 scenarios/README.md）：{held}",
    ),
    "cli.never": ("never", "从未"),
    "cli.results": ("results: {folder}", "结果：{folder}"),
    "cli.program_by_payer": (
        "whole program (scenario) by fiscal year and payer (yuan, mean and 5-95%):",
        "整个项目（情景）按财政年度和出资方（元，均值及5-95%区间）：",
    ),
    "cli.value": (
        "value for money (mean and 95% interval over paired seeds):",
        "成本效益（配对随机种子的均值及95%置信区间）：",
    ),
    # the planner brief
    "brief.title": ("Planner brief: {scenario} against {baseline}", "规划简报：{scenario} 对比 {baseline}"),
    "brief.q_cost": ("1. What the policy itself costs", "1. 政策本身的成本"),
    "brief.q_cost_text": (
        "Cost of {scenario} minus the cost of its twin {baseline} (the same people, places and calendar; "
        "only the policies differ), paired seed by seed: the money this policy adds, by fiscal year and payer. "
        "The whole program of the scenario costs {total} yuan over the run; the policy's own share is {own} yuan.",
        "{scenario} 的支出减去其对照情景 {baseline} 的支出（相同的人口、地区和日历，仅政策不同），"
        "逐个随机种子配对：本政策新增的资金，按财政年度和出资方列出。"
        "该情景全部项目在整个模拟期内支出 {total} 元，其中本政策本身 {own} 元。",
    ),
    "brief.q_buys": ("2. What it buys", "2. 政策带来的效果"),
    "brief.q_goal": ("3. The goal you asked for", "3. 目标求解结果"),
    "brief.q_caveats": ("4. What the numbers do and do not include", "4. 数字包含与不包含的不确定性"),
    "brief.caveats_ensemble": (
        "The intervals cover the model's chance variation AND the uncertainty of its calibrated behavior "
        "parameters: {n} paired replicates, each on its own seed and on a parameter set drawn from the "
        "calibration ensemble ({what}); 95% intervals of the mean and 5-95% bands of single runs. They do not "
        "include uncertainty in policy effects marked ASSUMPTION, in the model's structure, or in future prices; "
        "yuan are of the scenario's years, discounted at {rate:g} per year. Deadweight is the share of subsidy "
        "paid to workers who held a Ningbo job in the twin run that month, i.e. would have stayed anyway.",
        "区间同时反映模型的随机波动和已校准行为参数的不确定性：{n}次配对重复运行，每次使用各自的随机种子和从校准集合中"
        "抽取的一组参数（{what}）；均值的95%置信区间及单次运行的5-95%区间。不包括标注为 ASSUMPTION 的政策效果、"
        "模型结构或未来价格的不确定性；金额为情景年份的元，按每年 {rate:g} 贴现。无谓支出：补贴中发放给在对照情景"
        "当月也在宁波就业、即本就会留下的劳动者的比例。",
    ),
    "brief.calibration": ("5. Calibration and validation", "5. 校准与验证"),
    "brief.calibration_none": (
        "The behavior parameters of this scenario are hand-set (ASSUMPTION); no calibration is attached.",
        "本情景的行为参数为人工设定（ASSUMPTION），未附校准结果。",
    ),
    "brief.calibration_text": (
        "Behavior parameters fitted by laborsim calibrate on {date} to targets {fitted} (loss {loss}; hand-set "
        "values {hand}); held out, never fitted: {held}. {k} accepted parameter sets ({method}). Targets file "
        "SHA-256 {sha}; code {code}.",
        "行为参数由 laborsim calibrate 于 {date} 拟合至目标 {fitted}（损失 {loss}；人工设定值 {hand}）；"
        "留出、未参与拟合的目标：{held}。共 {k} 组被接受的参数（{method}）。目标文件 SHA-256 {sha}；代码 {code}。",
    ),
    "brief.caveats": (
        "The intervals cover the model's chance variation only: {n} paired replicates (the same seeds for the "
        "scenario and its twin), 95% intervals of the mean and 5-95% bands of single runs. They do not include "
        "uncertainty in the scenario's parameters (behavior hazards, policy effects marked ASSUMPTION), in the "
        "model's structure, or in future prices; yuan are of the scenario's years, discounted at {rate:g} per year. "
        "Deadweight is the share of subsidy paid to workers who held a Ningbo job in the twin run that month, "
        "i.e. would have stayed anyway.",
        "区间仅反映模型的随机波动：{n}次配对重复运行（情景与对照使用相同随机种子），均值的95%置信区间及单次运行的"
        "5-95%区间。不包括情景参数（行为风险率、标注为 ASSUMPTION 的政策效果）、模型结构或未来价格的不确定性；"
        "金额为情景年份的元，按每年 {rate:g} 贴现。无谓支出：补贴中发放给在对照情景当月也在宁波就业、即本就会留下的"
        "劳动者的比例。",
    ),
    "brief.no_goal": (
        "No goal was asked (use --target or --budget-yuan).",
        "未设定目标（使用 --target 或 --budget-yuan）。",
    ),
    "brief.goal_met": (
        "Smallest {lever} meeting {target} in at least {p:.0%} of replicates: {value} (mean cost {cost} yuan; "
        "{share:.0%} of replicates met it; 95% Wilson interval of that share {lo:.0%}-{hi:.0%}: "
        "more replicates narrow it).",
        "在至少 {p:.0%} 的重复运行中达到 {target} 的最小 {lever}：{value}"
        "（平均支出 {cost} 元；{share:.0%} 的重复运行达标，该比例的95% Wilson区间为 {lo:.0%}-{hi:.0%}；"
        "增加重复运行次数可使其收窄）。",
    ),
    "brief.goal_not_met": (
        "{target} is not met in {p:.0%} of replicates even at {lever} = {value} (the top of the search; "
        "{share:.0%} met it, 95% Wilson interval {lo:.0%}-{hi:.0%}). Raise --lever-max or choose another lever.",
        "即使 {lever} = {value}（搜索上限），{target} 也未能在 {p:.0%} 的重复运行中达到"
        "（{share:.0%} 达标，95% Wilson区间 {lo:.0%}-{hi:.0%}）。"
        "请提高 --lever-max 或选择其他政策杠杆。",
    ),
    "brief.budget_best": (
        "Within a mean cost of the whole program of {budget} yuan: {lever} = {value} (mean cost {cost} yuan),"
        " buying {metric} = {mvalue}.",
        "在整个项目平均支出 {budget} 元以内：{lever} = {value}（平均支出 {cost} 元），{metric} = {mvalue}。",
    ),
    "brief.budget_none": (
        "No value of {lever} keeps the whole program's mean cost within {budget} yuan: the least"
        " found was {least} yuan, at {lever} = {value} (the cost is every policy's of the scenario,"
        " not the lever's own). Raise --budget-yuan or switch other policies off.",
        "{lever} 的任何取值都不能使整个项目的平均支出不超过 {budget} 元：最低为 {least} 元"
        "（{lever} = {value}；支出为情景中所有政策的合计，而非该杠杆自身）。请提高 --budget-yuan 或关闭其他政策。",
    ),
    "brief.own_by_year": ("The policy's own cost by fiscal year and payer", "按财政年度和出资方的政策自身成本"),
    "brief.own_by_policy": ("The policy's own cost by policy", "按政策项目的自身成本"),
    "brief.program_by_year": (
        "Whole program (scenario) by fiscal year, policy and payer",
        "整个项目（情景）按年度、政策和出资方",
    ),
    "brief.caps": ("Budget caps", "预算上限"),
    "brief.no_caps": ("No budget cap in this scenario.", "本情景没有预算上限。"),
    "brief.diffs": ("How this scenario differs from its twin", "本情景与对照情景的差异"),
    "brief.sources": ("Assumptions and sources", "假设与来源"),
    "brief.sources_text": (
        "Numbers with a source below come from the program's record (see shared/domain.md); every other number "
        "in the scenario files is marked ASSUMPTION there.",
        "下列带来源的数字来自项目记录（见 shared/domain.md）；情景文件中的其他数字均标注为 ASSUMPTION。",
    ),
    "brief.figures": ("Figures", "图表"),
    "brief.fig_cost": ("Cumulative cost (5-95% band)", "累计支出（5-95%区间）"),
    "brief.fig_retention": (
        "Retention of registered-poor workers, scenario and twin",
        "建档立卡劳动力留存率：情景与对照",
    ),
    "brief.stamp": ("Run stamp", "运行信息"),
    "sheet.own_by_year": ("own cost by year and payer", "政策自身成本_年度出资方"),
    "sheet.own_by_policy": ("own cost by policy", "政策自身成本_按政策"),
    "sheet.program_by_year": ("whole program by year", "整个项目_按年度"),
    "sheet.caps": ("caps", "预算上限"),
    "sheet.diffs": ("differences from twin", "与对照的差异"),
    "sheet.sources": ("sources", "来源"),
    "sheet.goal": ("goal", "目标求解"),
    "sheet.stamp": ("stamp", "运行信息"),
    "col.year": ("year", "年度"),
    "col.policy": ("policy", "政策"),
    "col.payer": ("payer", "出资方"),
    "col.mean": ("mean", "均值"),
    "col.lo95": ("95% CI of mean, low", "均值95%置信区间下限"),
    "col.hi95": ("95% CI of mean, high", "均值95%置信区间上限"),
    "col.q05": ("5% of replicates", "重复运行5%分位"),
    "col.q95": ("95% of replicates", "重复运行95%分位"),
    "col.payments_mean": ("payments (mean)", "发放人次（均值）"),
    "col.headline": ("headline", "要点"),
    "col.interval": ("95% CI (of the mean, or of a ratio of means)", "95%置信区间（均值或均值之比）"),
    "col.unit": ("unit", "单位"),
    "col.parameter": ("parameter", "参数"),
    "col.baseline": ("twin", "对照"),
    "col.scenario": ("scenario", "情景"),
    "col.item": ("item", "项目"),
    "col.source": ("source", "来源"),
    "col.cap_yuan": ("cap (yuan)", "上限（元）"),
    "col.bound_month": ("cap binds in", "达到上限月份"),
    "col.turned_away": ("turned away (people)", "未获资助人数"),
    "col.owed_yuan": ("owed (yuan)", "欠付（元）"),
    "col.seed": ("seed", "种子"),
    "head.own_cost_first_year": ("policy's own cost in {year}, all payers", "{year}年政策自身成本（全部出资方）"),
    "head.own_cost": ("policy's own cost over the run", "整个模拟期政策自身成本"),
    "head.program_cost": ("whole program's cost over the run (for reference)", "整个项目在模拟期的总支出（供参考）"),
    "head.extra_worker_months": ("additional retained worker-months vs twin", "比对照多留存的人月"),
    "head.incremental": (
        "incremental cost per additional retained worker-month",
        "每多留存一个人月的增量成本",
    ),
    "head.retention_poor": ("6-month retention in Ningbo, registered poor", "建档立卡劳动力6个月宁波留存率"),
    "head.retention_poor_twin": ("same, twin", "同上，对照情景"),
    "head.retention": ("6-month retention in Ningbo, all", "全部劳动力6个月宁波留存率"),
    "head.retention_twin": ("same, twin", "同上，对照情景"),
    "head.deadweight": ("deadweight share of subsidy", "补贴无谓支出比例"),
    "head.cost_per_worker_month": ("cost per retained worker-month", "每留存人月成本"),
}


def default_lang() -> str:
    """The process language: the one set with `set_lang`, else from the locale."""
    if _chosen:
        return _chosen
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_lang(lang: str | None) -> str:
    """Set the process language (None: back to the locale's); returns the language in force."""
    global _chosen
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    _chosen = lang
    return default_lang()


def t(key: str, lang: str | None = None, **fmt) -> str:
    """The message `key` in `lang` (default: the process language), formatted with `fmt`."""
    lang = lang or default_lang()
    pair = MESSAGES.get(key)
    if pair is None:
        text = key.split(".", 1)[-1].replace("_", " ")
    else:
        text = pair[1] if lang == "zh" and pair[1] else pair[0]
    return text.format(**fmt) if fmt else text


def label(kind: str, code: str, lang: str | None = None) -> str:
    """A readable label for a code (`label("state", "local_job")` -> "local job")."""
    return t(f"{kind}.{code}", lang)


def place_label(kind: str, key: str, scenario=None, lang: str | None = None) -> str:
    """A home county's or Ningbo district's display name (`kind`: "county" or
    "district"): its `name_zh` in Chinese when the scenario gives one, else its key."""
    lang = lang or default_lang()
    group = {"county": "counties", "district": "districts"}.get(kind, "")
    places = getattr(getattr(scenario, "places", None), group, None) or {}
    zh = getattr(places.get(key), "name_zh", None)
    return zh if lang == "zh" and zh else key


def policy_label(name: str, scenario=None, lang: str | None = None) -> str:
    """A policy's display name: its `name_zh` in Chinese when the scenario gives one, else
    the key with spaces (`cixi_subsidy` -> "cixi subsidy")."""
    lang = lang or default_lang()
    pol = getattr(scenario, "policies", {}).get(name) if scenario is not None else None
    zh = getattr(pol, "name_zh", None) if pol is not None else None
    if lang == "zh" and zh:
        return zh
    return name.replace("_", " ")


def use_cjk_font() -> str | None:
    """Put an installed CJK font in matplotlib's fallback list (`sim.fonts`); returns its
    name, or None when none is installed."""
    from . import fonts

    return fonts.cjk_family() if fonts.use_cjk_fonts() else None
