"""Where a record says a person was: abroad, in China, or dead.

A family cell of a Karakax-style list gives each relative a state (在国外 abroad, 已故
deceased, 务农 farming, 在家 at home, 学生 a pupil, 在培训 held in a "training" camp); a
testimony is written by a relative abroad and names the country they write from; a list's
internee and a testimony's missing person were held. The list's relative marked abroad and
the witness writing from Turkey may be one person; the witness and the relative marked as
farming at home in 2018, or dead, are two. `whereabouts` reduces what a mention's record
says to one of three values, which the linkage model compares like any other field (and
whose weight it learns): a person who returned from abroad and was held is rare, not
impossible, and the model is not told it is impossible.

Only what the record states is used: an address in the county says nothing (a person
abroad keeps their registration at home), and an unknown state (不详) is no state.
"""

from __future__ import annotations

import re
import unicodedata

ABROAD = "abroad"
IN_CHINA = "in_china"
DECEASED = "deceased"
WHEREABOUTS = (ABROAD, IN_CHINA, DECEASED)

# Words of a state that mean abroad, in the scripts lists and testimonies use.
_ABROAD_WORDS = ("在国外", "国外", "境外", "出国", "海外", "在外国", "abroad", "overseas", "chet'elde", "chetelde")
_DECEASED_WORDS = ("已故", "死亡", "去世", "病故", "亡故", "已死", "过世", "deceased", "dead", "died", "ölgen", "wapat")
_UNKNOWN_WORDS = ("不详", "不明", "未知", "unknown", "n/a")

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

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


def _latin_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # whole words only: "us" is the United States, not the end of "Qaraqash-us"
    alternatives = sorted({w for w in words if not _HAN.search(w)}, key=len, reverse=True)
    return re.compile(r"(?<![\w'-])(" + "|".join(re.escape(w) for w in alternatives) + r")(?![\w'-])")


_COUNTRY_PATTERNS = tuple(
    (country, _latin_pattern(names), tuple(n for n in names if _HAN.search(n))) for country, names in COUNTRIES.items()
)
_ABROAD_LATIN = _latin_pattern(_ABROAD_WORDS)
_DECEASED_LATIN = _latin_pattern(_DECEASED_WORDS)
_UNKNOWN_LATIN = _latin_pattern(_UNKNOWN_WORDS)


def _says(text: str, latin: re.Pattern[str], words: tuple[str, ...]) -> bool:
    """`text` (folded) contains one of `words`: Latin ones as whole words, Chinese anywhere."""
    return bool(latin.search(text)) or any(w in text for w in words if _HAN.search(w))


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
    for country, latin, han in _COUNTRY_PATTERNS:
        if _says(folded, latin, han):
            return country
    return None


def state_whereabouts(state: str | None) -> str | None:
    """What a stated condition (a list's 目前状态 of a relative) says of where the person
    was: `abroad`, `deceased`, `in_china` for any other known state (at home, farming, a
    pupil, held), None when it states nothing or says it is unknown.

    >>> [state_whereabouts(s) for s in ("在国外", "已故", "务农", "不详", None)]
    ['abroad', 'deceased', 'in_china', None, None]
    """
    if not isinstance(state, str) or not state.strip():
        return None
    text = _fold(state)
    if _says(text, _UNKNOWN_LATIN, _UNKNOWN_WORDS):
        return None
    if _says(text, _ABROAD_LATIN, _ABROAD_WORDS) or country_of(text) is not None:
        return ABROAD
    if _says(text, _DECEASED_LATIN, _DECEASED_WORDS):
        return DECEASED
    return IN_CHINA


def whereabouts(states: list[str] | None, address: str | None, held: bool) -> str | None:
    """Where a mention's record puts the person: from its stated conditions (`states`),
    else an address abroad, else `in_china` when the record says they were held (`held`:
    a detention event). Contradictory states (abroad and dead) give None."""
    found = {w for w in (state_whereabouts(s) for s in states or ()) if w is not None}
    if country_of(address) is not None:
        found.add(ABROAD)
    if not found and held:
        found.add(IN_CHINA)
    if len(found) > 1 and IN_CHINA in found:
        found.discard(IN_CHINA)  # "held" and "since gone abroad": the specific state wins
    return found.pop() if len(found) == 1 else None


__all__ = ["ABROAD", "COUNTRIES", "DECEASED", "IN_CHINA", "WHEREABOUTS", "country_of", "state_whereabouts", "whereabouts"]
