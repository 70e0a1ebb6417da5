"""The detention process of 2017-2019 in the fictional county, and the state's paperwork.

karez records the state's labels and reasons as evidence of what the state did; this module
*simulates* that paperwork so that later stages can be tested against known answers. Who is
taken is drawn with the patterns reported for the real campaign (men more than women, adults
of working age, families with relatives abroad, whole households); nothing here is a model
of anyone's behaviour.

Reason texts use the vocabulary reported from the Karakax list, each category in several
phrasings (different officials wrote the same reason differently); the category behind every
text is kept as ground truth with the codes of docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from karez.testbed.population import REFERENCE_YEAR, Population

CAMPAIGN_START = np.datetime64("2017-03-01")
FACILITIES = (
    "墨玉县第一职业技能教育培训中心", "墨玉县第二职业技能教育培训中心",
    "墨玉县第三职业技能教育培训中心", "墨玉县第四职业技能教育培训中心", "墨玉县看守所",
)  # fmt: skip
FACILITIES_LATIN = ("the No. 1 camp in Qaraqash", "the No. 2 camp in Qaraqash",
                    "the No. 3 camp in Qaraqash", "the No. 4 camp in Qaraqash",
                    "the Qaraqash detention centre")
PRISONS = ("新疆维吾尔自治区第五监狱", "和田地区第二监狱", "墨玉县看守所")

PHRASINGS: dict[str, tuple[str, ...]] = {
    "religious_extremism_label": ("受宗教极端思想感染轻微人员", "受宗教极端思想轻微感染",
                                  "宗教极端思想感染轻微", "受极端思想感染人员"),
    "religious_practice_F": ("{a}年至{b}年戴面纱", "{a}-{b}年穿戴蒙面罩袍", "曾于{a}年至{b}年蒙面"),
    "religious_practice_M": ("{a}年至{b}年留大胡子", "{a}年蓄胡须", "{a}-{b}年留胡须"),
    "family_planning": ("超生", "违反计划生育政策超生", "超生一胎", "计划外生育"),
    "passport_travel": ("办理护照未出境", "办理护照后未出国", "持有护照未出境"),
    "relatives_abroad": ("境外有亲属", "有亲属在境外", "亲属在{country}"),
    "contact_abroad": ("境外通联", "与境外人员有通联", "与境外亲属电话联系"),
    "internet": ("点击网站链接无意登陆境外网站", "手机点击链接登录境外网站", "无意中访问境外网站"),
    "untrustworthy": ("思想难掌握", "人际交往复杂", "属于不放心人员", "思想不稳定"),
    "birth_decade": ("80后不放心人员", "属于80后，不放心", "八零后不放心人员"),
    "relative_detained": ("亲属被收押", "家属在教培中心", "直系亲属被判刑"),
    "other": ("无固定职业", "在家闲散"),
}  # fmt: skip
COUNTRY_ZH = {"Turkey": "土耳其", "Kazakhstan": "哈萨克斯坦", "Kyrgyzstan": "吉尔吉斯斯坦",
              "Saudi Arabia": "沙特阿拉伯", "Egypt": "埃及", "Netherlands": "荷兰",
              "Germany": "德国", "United States": "美国", "Australia": "澳大利亚"}
HOUSEHOLD_TYPES = (("一般户", 0.62), ("宗教氛围浓厚户", 0.14), ("信教户", 0.12), ("重点户", 0.12))
TRUST_LABELS = ("放心户", "不放心户")
EVALUATIONS = ("该人员表现良好，建议继续培训", "思想转化较好", "学习态度端正",
               "表现一般，需继续教育", "建议结业", "认罪悔罪态度较好")
DECISIONS = ("继续培训", "同意结业", "转送审查", "留")
DETENTION_RATE_TARGET = 0.30  # of adults 18-70 at home in 2017; see docs/testbed.md

# The date the Karakax-style list states its statuses at (sentenced, released, still held).
LIST_DATE = "2018-06-30"


@dataclass
class Detention:
    """Detained people (one row each), their events, household labels."""

    detainees: pd.DataFrame  # person index, dates, facility, status, visibility, reasons
    events: pd.DataFrame  # person_id, event_type, date, facility, detail
    households: pd.DataFrame  # household_index, household_type, trust


def _relatives_abroad(persons: pd.DataFrame) -> np.ndarray:
    """True for people with a parent, child, sibling or spouse living abroad."""
    n = len(persons)
    abroad = persons["abroad"].to_numpy()
    father = persons["father_index"].to_numpy()
    mother = persons["mother_index"].to_numpy()
    spouse = persons["spouse_index"].to_numpy()
    flag = np.zeros(n, dtype=bool)
    for link in (father, mother, spouse):
        has = link >= 0
        flag[has] |= abroad[link[has]]
        # and the other direction: parents of someone abroad
        flag[link[has & abroad]] = True
    # siblings: share a father
    sibling_abroad = pd.Series(abroad).groupby(father).transform("any").to_numpy()
    flag |= (father >= 0) & sibling_abroad & ~abroad
    return flag & ~abroad


def simulate_detention(rng: np.random.Generator, population: Population) -> Detention:
    """Who is taken, when and where; transfers, sentences, releases; the stated reasons."""
    persons = population.persons
    n = len(persons)
    n_households = len(population.households)
    household_type = rng.choice([t for t, _ in HOUSEHOLD_TYPES], size=n_households,
                                p=[p for _, p in HOUSEHOLD_TYPES])
    religious_home = np.isin(household_type, ["宗教氛围浓厚户", "信教户", "重点户"])
    year = persons["birth_date"].dt.year.to_numpy()
    age = REFERENCE_YEAR - year
    male = persons["sex"].to_numpy() == "M"
    household = persons["household_index"].to_numpy()
    abroad_kin = _relatives_abroad(persons)
    eligible = (age >= 18) & (age <= 70) & persons["alive"].to_numpy() & ~persons["abroad"].to_numpy()
    village_effect = rng.normal(0, 0.5, size=int(persons["village"].max()) + 1)[persons["village"].to_numpy()]
    score = (1.1 * male + 0.5 * ((age >= 20) & (age <= 45)) + 1.0 * abroad_kin
             + 0.7 * religious_home[household] + village_effect)
    # Calibrate the intercept so that the rate among the eligible meets the target.
    intercept = np.log(DETENTION_RATE_TARGET / (1 - DETENTION_RATE_TARGET)) - np.mean(score[eligible])
    chance = 1 / (1 + np.exp(-(intercept + score)))
    detained = eligible & (rng.random(n) < chance)
    index = np.flatnonzero(detained)
    k = len(index)

    taken = CAMPAIGN_START + np.minimum(rng.gamma(1.5, 110, size=k), 820).astype("timedelta64[D]")
    facility = rng.integers(0, len(FACILITIES), size=k)
    transferred = rng.random(k) < 0.25
    transfer_date = taken + rng.integers(90, 365, size=k).astype("timedelta64[D]")
    facility_after = (facility + rng.integers(1, len(FACILITIES), size=k)) % len(FACILITIES)
    sentenced = rng.random(k) < 0.15
    sentence_years = rng.integers(3, 21, size=k)
    sentence_date = taken + rng.integers(60, 300, size=k).astype("timedelta64[D]")
    prison = rng.integers(0, len(PRISONS), size=k)
    released = ~sentenced & (rng.random(k) < 0.40)
    release_date = taken + rng.integers(240, 800, size=k).astype("timedelta64[D]")
    release_date = np.minimum(release_date, np.datetime64("2019-12-31"))

    events = []
    ids = persons["person_id"].to_numpy()[index]
    events.append(pd.DataFrame({"person_id": ids, "event_type": "detention", "date": taken,
                                "facility": np.array(FACILITIES)[facility], "detail": ""}))
    t = transferred
    events.append(pd.DataFrame({"person_id": ids[t], "event_type": "transfer", "date": transfer_date[t],
                                "facility": np.array(FACILITIES)[facility_after[t]], "detail": ""}))
    s = sentenced
    events.append(pd.DataFrame({"person_id": ids[s], "event_type": "sentence", "date": sentence_date[s],
                                "facility": np.array(PRISONS)[prison[s]],
                                "detail": np.char.add(np.char.add("有期徒刑", sentence_years[s].astype(str)), "年")}))
    r = released
    events.append(pd.DataFrame({"person_id": ids[r], "event_type": "release", "date": release_date[r],
                                "facility": "", "detail": "结业"}))
    all_events = pd.concat(events, ignore_index=True).sort_values(["person_id", "date"], kind="stable")

    # Status as the paperwork of mid-2018 would state it.
    list_date = np.datetime64(LIST_DATE)
    status = np.where(sentenced & (sentence_date <= list_date), "已判刑",
                      np.where(released & (release_date <= list_date), "已结业", "在培训"))
    current_facility = np.where(transferred & (transfer_date <= list_date), facility_after, facility)

    # Household detention counts feed the relative_detained reason.
    per_household = np.bincount(household[index], minlength=n_households)
    children = np.bincount(persons["father_index"].to_numpy()[persons["father_index"].to_numpy() >= 0], minlength=n)
    children += np.bincount(persons["mother_index"].to_numpy()[persons["mother_index"].to_numpy() >= 0], minlength=n)
    reasons = _reasons(rng, index, male, year, abroad_kin, per_household[household[index]] > 1,
                       children, persons)
    detainees = pd.DataFrame({
        "person_index": index,
        "person_id": ids,
        "detained_on": taken,
        "facility": np.array(FACILITIES)[current_facility],
        "first_facility": facility,
        "status_2018": status,
        "sentenced": sentenced,
        "sentence_years": np.where(sentenced, sentence_years, 0),
        "released": released,
        "visibility": rng.normal(0, 1, size=k),  # heterogeneity: some are seen by every list
        "relatives_abroad": abroad_kin[index],
        "reasons": reasons,
        "evaluation": rng.choice(EVALUATIONS, size=k),
        "decision": rng.choice(DECISIONS, size=k),
    })
    households = pd.DataFrame({
        "household_index": np.arange(n_households),
        "household_type": household_type,
        "trust": np.where(religious_home | (per_household > 0) & (rng.random(n_households) < 0.6),
                          TRUST_LABELS[1], TRUST_LABELS[0]),
    })
    return Detention(detainees=detainees, events=all_events.reset_index(drop=True), households=households)


REASON_CATEGORIES = ("religious_extremism_label", "religious_practice", "family_planning", "passport_travel",
                     "relatives_abroad", "contact_abroad", "internet", "untrustworthy", "birth_decade",
                     "relative_detained", "other")


def _reasons(rng, index, male, year, abroad_kin, kin_detained, children, persons) -> list:
    """For each detainee, 1-3 reason categories (with template arguments) fit to their facts.

    Categories are drawn with weights that depend on the person's facts, without replacement
    (Gumbel top-k: the k largest of log-weight plus Gumbel noise are a weighted draw without
    replacement), all detainees at once."""
    k = len(index)
    countries = persons["abroad_country"].to_numpy()
    father = persons["father_index"].to_numpy()
    # The country of a child abroad, per father (siblings' reasons name it).
    abroad_child = np.flatnonzero((countries != "") & (father >= 0))
    country_by_father = {int(father[c]): str(countries[c]) for c in abroad_child[::-1]}
    kin = abroad_kin[index]
    born = year[index]
    weights = np.column_stack([
        np.full(k, 3.0), np.full(k, 2.0), np.where(children[index] >= 3, 2.5, 0.0), np.full(k, 1.5),
        np.where(kin, 4.0, 0.0), np.where(kin, 2.0, 0.3), np.full(k, 1.0), np.full(k, 2.0),
        np.where((born >= 1980) & (born <= 1989), 3.0, 0.0), np.where(kin_detained, 2.0, 0.0), np.full(k, 0.5),
    ])
    count = np.minimum((weights > 0).sum(axis=1), 1 + rng.binomial(2, 0.45, size=k))
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1, kind="stable")[:, :3]
    start = rng.integers(2010, 2016, size=(k, 3))
    length = rng.integers(1, 4, size=(k, 3))
    kin_country = [COUNTRY_ZH.get(country_by_father.get(int(f), ""), "境外") for f in father[index]]
    out = []
    for row in range(k):
        items = []
        for slot in range(int(count[row])):
            category = REASON_CATEGORIES[order[row, slot]]
            country = kin_country[row] if category == "relatives_abroad" else "境外"
            a = int(start[row, slot])
            items.append((category, {"a": a, "b": a + int(length[row, slot]), "country": country}))
        out.append(items)
    return out


def phrase(rng: np.random.Generator, category: str, args: dict, male: bool) -> str:
    """One official's wording of a reason of `category`."""
    key = category if category != "religious_practice" else f"religious_practice_{'M' if male else 'F'}"
    templates = PHRASINGS[key]
    return templates[int(rng.integers(0, len(templates)))].format(**args)
