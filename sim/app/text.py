"""The dashboard's words in English and Chinese, and the Chinese names of places and
policies (the scenario's `name_zh` fields; the English key when a name has none)."""

from __future__ import annotations

import os

from ..i18n import place_label
from ..schema import Scenario

LANGS = ("en", "zh")

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Labor migration Qianxinan → Ningbo", "zh": "黔西南—宁波劳务协作模拟"},
    "start": {"en": "start", "zh": "开始"},
    "month_now": {"en": "Month {month} ({t} of {n})", "zh": "月份 {month}（第 {t} / {n} 个月）"},
    "month_start": {"en": "Start of {month} (0 of {n} months)", "zh": "{month} 月初（共 {n} 个月，尚未开始）"},
    "finished": {"en": "the run is over: press Reset", "zh": "模拟已结束：请按“重置”"},
    "step": {"en": "Step one month", "zh": "前进一个月"},
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "reset": {"en": "Reset", "zh": "重置"},
    "levers": {"en": "Policy levers of side A (they apply on Reset)", "zh": "A 方案的政策杠杆（按“重置”后生效）"},
    "pending": {"en": "Changed: press Reset to apply.", "zh": "已修改：按“重置”后生效。"},
    "subsidy_total_yuan": {
        "en": "Stable-job subsidy per worker: {v:,.0f} yuan",
        "zh": "稳岗就业补贴（每人）：{v:,.0f} 元",
    },
    "subsidy_months": {"en": "… paid over {v} months", "zh": "……分 {v} 个月发放"},
    "training_coverage": {"en": "In-firm training: {v:.0%} of newcomers", "zh": "企业岗位培训：覆盖 {v:.0%} 的新员工"},
    "workers_per_liaison": {"en": "One liaison officer per {v} workers", "zh": "每名驻厂人员负责 {v} 名工人"},
    "n_brokers": {"en": "Queen-bee brokers: {v} people", "zh": "“蜂王”劳务经纪人：{v} 人"},
    "transport_seats": {"en": "Organized transport: {v:,} seats a month", "zh": "点对点组织输送：每月 {v:,} 个座位"},
    "scenario_a": {"en": "Side A: scenario", "zh": "A 方案：情景"},
    "scenario_b": {"en": "Side B: compare with", "zh": "B 方案：对照"},
    "no_policy": {"en": "the same world, no policy", "zh": "同一情景，不实施任何政策"},
    "about": {
        "en": "**A** = `{a}` with the levers on the left; **B** = {b}. Both start from the same people "
        "and the same random draws (seed {seed}), so a gap between the A and B lines is what the "
        "policies change, not chance. One agent stands for {ppa:,.0f} people; all numbers are people.",
        "zh": "**A** = `{a}`，采用左侧的政策杠杆；**B** = {b}。两者从同一批人、同一组随机数（种子 {seed}）"
        "出发，所以 A、B 两条线之间的差距来自政策，而不是偶然。每个智能体代表 {ppa:,.0f} 人；所有数字均为人数。",
    },
    "legend_a": {"en": "A: {name}", "zh": "A：{name}"},
    "legend_b": {"en": "B: {name}", "zh": "B：{name}"},
    "month_axis": {"en": "month (end of)", "zh": "月份（月末）"},
    "people": {"en": "people", "zh": "人"},
    "people_month": {"en": "people per month", "zh": "人/月"},
    "myuan": {"en": "million yuan", "zh": "百万元"},
    "since_arrival": {"en": "months since arrival", "zh": "到达宁波后的月数"},
    "share_staying": {"en": "share still in Ningbo", "zh": "仍在宁波的比例"},
    "no_arrivals": {"en": "no arrivals yet: press Step", "zh": "尚无人到达：请按“前进一个月”"},
    "jobs": {"en": "People in Ningbo jobs", "zh": "在宁波就业人数"},
    "jobs_help": {
        "en": "Solid line A, dashed line B. A above B: A's policies keep more people in work in Ningbo.",
        "zh": "实线为 A，虚线为 B。A 高于 B：A 的政策让更多人在宁波就业。",
    },
    "seeking": {"en": "Looking for work in Ningbo", "zh": "在宁波求职人数"},
    "seeking_help": {
        "en": "Newcomers and job changers without a job yet. A pile-up means more arrivals than vacancies.",
        "zh": "刚到宁波或正在换工作、尚未就业的人。人数堆积说明到达的人多于空缺岗位。",
    },
    "returns": {"en": "Return flow home", "zh": "回流人数"},
    "returns_help": {
        "en": "People who leave Ningbo for home each month (Spring Festival visits are not counted). Lower is better.",
        "zh": "每月离开宁波回乡的人数（春节探亲不计）。越低越好。",
    },
    "retention": {"en": "Still in Ningbo, by months since arrival", "zh": "到达后仍留在宁波的比例"},
    "retention_help": {
        "en": "Of everyone who arrived so far, the share still in Ningbo 1, 2, 3 … months later "
        "(Kaplan-Meier). A higher curve means people stay longer.",
        "zh": "在已到达宁波的人中，1、2、3……个月后仍在宁波的比例（Kaplan-Meier 估计）。曲线越高，留得越久。",
    },
    "budget": {"en": "Money spent so far", "zh": "累计支出"},
    "budget_help": {
        "en": "All policy payments of each side since the start. B with no policy spends nothing.",
        "zh": "各方案自开始以来的全部政策支出。不实施政策的 B 支出为零。",
    },
    "elsewhere": {"en": "Elsewhere: at home and in the Pearl River Delta", "zh": "其他去向：在家乡与珠三角"},
    "elsewhere_help": {
        "en": "The rest of the mobile labor pool; each small plot has its own scale.",
        "zh": "流动劳动力中的其余人；每个小图有各自的纵轴刻度。",
    },
    "at_home": {"en": "at home (farm or local job)", "zh": "在家乡（务农或本地就业）"},
    "in_prd": {"en": "in the Pearl River Delta", "zh": "在珠三角"},
    "map": {"en": "Who works where now (side A)", "zh": "目前谁在哪里就业（A 方案）"},
    "map_help": {
        "en": "Each line joins a home county (left) to a Ningbo district (right); the thicker, the more "
        "people from that county work there now.",
        "zh": "每条线连接家乡县（左）与宁波的区县（右）；线越粗，该县在那里就业的人越多。",
    },
    "county": {"en": "One county", "zh": "单个县（市）"},
    "county_pick": {"en": "County", "zh": "县（市）"},
    "county_help": {
        "en": "The same lines for people from {county} only (paired with {district}).",
        "zh": "只看来自{county}的人（对口{district}）。",
    },
    "numbers": {"en": "This month in numbers", "zh": "本月数字"},
    "row_jobs": {"en": "in Ningbo jobs", "zh": "在宁波就业"},
    "row_returns": {"en": "return flow this month", "zh": "本月回流"},
    "row_budget": {"en": "spent so far (million yuan)", "zh": "累计支出（百万元）"},
    "by_policy": {"en": "Side A's spending so far, by policy (million yuan)", "zh": "A 方案各项政策累计支出（百万元）"},
    "nothing_spent": {"en": "nothing spent yet", "zh": "尚无支出"},
    "lang_toggle": {"en": "中文", "zh": "English"},
}


def t(key: str, lang: str, **values) -> str:
    """The text `key` in `lang`, formatted with `values`."""
    return TEXT[key][lang].format(**values)


def default_lang(environ=os.environ) -> str:
    """'zh' when the locale (LC_ALL, LC_MESSAGES or LANG, the first one set) is Chinese, else 'en'."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(var):
            return "zh" if environ[var].lower().startswith("zh") else "en"
    return "en"


def county_name(sc: Scenario, key: str, lang: str) -> str:
    """A county's name: its `name_zh` in Chinese (when the scenario has one), else its key."""
    return place_label("county", key, sc, lang)


def district_name(sc: Scenario, key: str, lang: str) -> str:
    """A Ningbo district's name: its `name_zh` in Chinese (when the scenario has one), else its key."""
    return place_label("district", key, sc, lang)


def policy_name(sc: Scenario, key: str, lang: str) -> str:
    """A policy's name: its `name_zh` in Chinese (when the scenario has one), else its key."""
    zh = sc.policies[key].name_zh
    return zh if lang == "zh" and zh else key
