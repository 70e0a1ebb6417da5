"""Where a record says a person was: abroad, in China, or dead.

A family cell of a Karakax-style list gives each relative a state (在国外 abroad, 已故
deceased, 务农 farming, 在家 at home, 学生 a pupil, 在培训 held in a "training" camp); a
testimony is written by a relative abroad and names the country they write from; a list's
internee and a testimony's missing person were held. The list's relative marked abroad and
the witness writing from Turkey may be one person; the witness and the relative marked as
farming at home in 2018, or dead, are two. `whereabouts` reduces what a mention's record
says to one of three values, which the linkage model compares like any other field. A
person who returned from abroad and was held, or a list out of date, is rare, not
impossible: the model's weight against a pair that disagrees is bounded
(`karez.link.model`, the whereabouts comparison).

Only what the record states is used: an address in the county says nothing (a person
abroad keeps their registration at home), and an unknown state (不详, 失联) is no state.
A value is evidence about which records are one person, like an ID number: it weighs a
pair of records, never a person. That a relative was abroad is, in the real lists, one of
the state's reasons for internment; karez keeps it as the state's words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ABROAD = "abroad"
IN_CHINA = "in_china"
DECEASED = "deceased"
WHEREABOUTS = (ABROAD, IN_CHINA, DECEASED)

# The conditions a list states are read with the analysis stage's status vocabulary
# (karez/analyse/taxonomy.yaml `statuses`: Chinese, English, Uyghur Latin and Arabic
# script), so linkage and the analysis agree on what 在国外 or "chet'elde" means. Its
# categories, as linkage reads them:
_STATUS_WHEREABOUTS = {
    "abroad": ABROAD,
    "deceased": DECEASED,
    "at_home": IN_CHINA,
    "continued_detention": IN_CHINA,
    "released": IN_CHINA,
    "sentenced": IN_CHINA,
}
# A condition that says nothing of where the person is: unknown, lost, a placeholder.
# Lost contact is typical of someone who left; it is not "at home".
_UNSAID = re.compile(
    r"不详|不明|未知|失联|失踪|联系不上|下落不明|去向不明|不在家|不知道|\bunknown\b|\bmissing\b|"
    r"lost contact|\bbilinmiyor\b|^(?:无|空|none|n/?a|yok|[-/?.—–]+)$",
    re.IGNORECASE,
)
# Leaving or coming back: when the person was where is not said (未出国 never left,
# 从国外返回 came back, 申请出国 applied to leave, 已出境 left).
_MOVES = re.compile(
    r"未出|没出|从未|返回|回国|回来|归国|申请出|出境|returned|came back|applied|"
    r"qaytip|qaytqan|\bback\b",
    re.IGNORECASE,
)

# Countries where Uyghurs abroad live and testify from, as testimonies and lists write
# them: English, Turkish, German, Uyghur Latin (ULY) and Chinese. China itself is not here.
COUNTRIES = {
    "Turkey": ("turkey", "türkiye", "turkiye", "türkei", "土耳其"),
    "Kazakhstan": ("kazakhstan", "kazakistan", "kasachstan", "qazaqistan", "哈萨克斯坦"),
    "Kyrgyzstan": ("kyrgyzstan", "kirgizistan", "kırgızistan", "kirgisistan", "qirghizistan", "吉尔吉斯斯坦", "吉尔吉斯"),
    "Uzbekistan": ("uzbekistan", "özbekistan", "usbekistan", "özbékistan", "乌兹别克斯坦"),
    "Tajikistan": ("tajikistan", "tacikistan", "tadschikistan", "塔吉克斯坦"),
    "Russia": ("russia", "rusya", "russland", "rusiye", "俄罗斯"),
    "Saudi Arabia": ("saudi arabia", "suudi arabistan", "saudi-arabien", "se'udi erebistan", "沙特阿拉伯", "沙特"),
    "United Arab Emirates": ("united arab emirates", "uae", "dubai", "birleşik arap emirlikleri", "阿联酋"),
    "Egypt": ("egypt", "mısır", "misir", "ägypten", "埃及"),
    "Pakistan": ("pakistan", "巴基斯坦"),
    "Afghanistan": ("afghanistan", "afganistan", "阿富汗"),
    "Malaysia": ("malaysia", "malezya", "马来西亚"),
    "Indonesia": ("indonesia", "endonezya", "indonesien", "印度尼西亚", "印尼"),
    "Thailand": ("thailand", "tayland", "泰国"),
    "Japan": ("japan", "japonya", "yaponiye", "日本"),
    "South Korea": ("south korea", "korea", "güney kore", "südkorea", "韩国"),
    "Netherlands": ("netherlands", "holland", "hollanda", "niederlande", "gollandiye", "荷兰"),
    "Germany": ("germany", "almanya", "deutschland", "gérmaniye", "germaniye", "德国"),
    "Belgium": ("belgium", "belçika", "belgien", "比利时"),
    "France": ("france", "fransa", "frankreich", "法国"),
    "Sweden": ("sweden", "isveç", "schweden", "shwétsiye", "瑞典"),
    "Norway": ("norway", "norveç", "norwegen", "挪威"),
    "Finland": ("finland", "finlandiya", "finnland", "芬兰"),
    "Denmark": ("denmark", "danimarka", "dänemark", "丹麦"),
    "Switzerland": ("switzerland", "isviçre", "schweiz", "瑞士"),
    "Austria": ("austria", "avusturya", "österreich", "奥地利"),
    "Italy": ("italy", "italya", "italien", "意大利"),
    "United Kingdom": ("united kingdom", "uk", "england", "britain", "ingiltere", "großbritannien", "英国"),
    "Ireland": ("ireland", "irlanda", "irland", "爱尔兰"),
    "United States": ("united states", "usa", "u.s.a.", "america", "amerika", "amérika", "美国"),
    "Canada": ("canada", "kanada", "加拿大"),
    "Australia": ("australia", "avustralya", "australien", "awstraliye", "澳大利亚", "澳洲"),
    "New Zealand": ("new zealand", "yeni zelanda", "neuseeland", "新西兰"),
}

# Cities of the diaspora that addresses name without their country.
_CITIES = {
    "Turkey": ("istanbul", "ankara", "kayseri", "izmir", "伊斯坦布尔", "安卡拉"),
    "Kazakhstan": ("almaty", "alma-ata", "astana", "阿拉木图"),
    "Kyrgyzstan": ("bishkek", "比什凯克"),
    "Uzbekistan": ("tashkent", "塔什干"),
    "Germany": ("munich", "münchen", "berlin", "慕尼黑"),
    "Netherlands": ("amsterdam", "the hague", "阿姆斯特丹"),
}

_HAN = re.compile(r"[\u4e00-\u9fff]")
_COUNTRY_OF: dict[str, str] = {}
for _country, _names in (*COUNTRIES.items(), *_CITIES.items()):
    for _name in _names:
        _COUNTRY_OF[_name] = _country
# One pattern for every Latin name (whole words only: "uk" is not the end of
# "Qaraqash-uk", "us" is not a country) and one for the Chinese ones: an address is searched
# twice, not once per country (a register has millions of distinct addresses).
_LATIN_NAMES = re.compile(
    r"(?<![\w'-])("
    + "|".join(re.escape(n) for n in sorted((n for n in _COUNTRY_OF if not _HAN.search(n)), key=len, reverse=True))
    + r")(?![\w-])"  # a Turkish suffix after an apostrophe: Kazakistan'da
)
_HAN_NAMES = re.compile("|".join(re.escape(n) for n in sorted((n for n in _COUNTRY_OF if _HAN.search(n)), key=len, reverse=True)))
_COUNTRY_CHINA = re.compile(r"中国|中华人民共和国|新疆|\bchina\b|\bxinjiang\b", re.IGNORECASE)


def _fold(text: str) -> str:
    # NFKC (full-width letters), then casefold; "TÜRKİYE" folds to an i with a combining dot,
    # which is dropped. Diacritics are kept: the gazetteer spells Türkiye and Turkiye both
    return unicodedata.normalize("NFKC", text).casefold().replace("i\u0307", "i").strip()


def country_of(text: str | None) -> str | None:
    """The country (English name) an address or a state names, if it names one abroad.

    >>> country_of("Istanbul, Türkiye")
    'Turkey'
    >>> country_of("墨玉县奎牙镇") is None
    True
    """
    if not isinstance(text, str) or not text.strip():
        return None
    folded = _fold(text)
    found = _LATIN_NAMES.search(folded) or _HAN_NAMES.search(folded)
    return _COUNTRY_OF[found.group(0) if found.re is _HAN_NAMES else found.group(1)] if found else None


@lru_cache(maxsize=1)
def _status_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    from karez.analyse.taxonomy import load_taxonomy

    return tuple((p.category, p.regex) for p in load_taxonomy().status_patterns)


@lru_cache(maxsize=100_000)
def state_whereabouts(state: str | None) -> str | None:
    """What a stated condition (a list's 目前状态 of a relative) says of where the person
    was: `abroad`, `deceased`, `in_china` (at home, farming, a pupil, held, released,
    sentenced), or None when it says none of these, says it is unknown or lost, speaks of
    leaving or coming back (未出国, 从国外返回: when is not said), or says abroad and dead.

    >>> [state_whereabouts(s) for s in ("在国外", "已故", "务农", "Türkiye'de", "失联", "从国外返回", None)]
    ['abroad', 'deceased', 'in_china', 'abroad', None, None, None]
    """
    if not isinstance(state, str) or not state.strip():
        return None
    from karez.analyse.taxonomy import fold

    text = fold(state.strip())[0]
    if _UNSAID.search(text) or _MOVES.search(text):
        return None
    said = {_STATUS_WHEREABOUTS[c] for c, regex in _status_patterns() if c in _STATUS_WHEREABOUTS and regex.search(text)}
    if not said and country_of(state) is not None:
        said = {ABROAD}
    if ABROAD in said:
        # "在土耳其工作" (working in Turkey) is abroad; abroad and dead in one condition, or
        # a country abroad next to China, says two things
        return None if DECEASED in said or _COUNTRY_CHINA.search(text) else ABROAD
    if DECEASED in said:
        return DECEASED  # "在押期间死亡": held, then dead
    return IN_CHINA if said else None


def whereabouts(states: list[str] | None, address: str | None, held: bool) -> str | None:
    """Where a mention's record puts the person: what its stated conditions (`states`)
    and an address abroad say, else `in_china` when the record says they were held
    (`held`: a detention event). None when the record says nothing, or two things: two
    conditions that disagree, or held and now abroad (a former detainee testifying from
    Kazakhstan: the record spans the time they were held and the time they left).

    A value is evidence about which records are one person, like an ID number; it weighs
    a pair of records, never a person.
    """
    found = {w for w in (state_whereabouts(s) for s in states or ()) if w is not None}
    if country_of(address) is not None:
        found.add(ABROAD)
    if held:
        if ABROAD in found:
            return None
        found.add(IN_CHINA)
    return found.pop() if len(found) == 1 else None


__all__ = ["ABROAD", "COUNTRIES", "DECEASED", "IN_CHINA", "WHEREABOUTS", "country_of", "state_whereabouts", "whereabouts"]
