"""The linkage frame: one row per person mention, with every column the comparisons use.

The columns are computed once, here, in Python and SQL, so that the comparisons are plain
SQL on plain columns (equality, Jaro-Winkler, Levenshtein, array overlap) and run the same
on every engine. Names go through `karez.names` (each distinct string read once); places
through the same reading, with the administrative suffixes (乡, 村, township ...) removed.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from karez.custody import Case
from karez.errors import KarezError
from karez.link.cluster import id_checked
from karez.link.whereabouts import country_of, whereabouts
from karez.names import to_uly
from karez.names.compare import coarse_key, consonant_key, skeleton
from karez.names.splink import name_columns
from karez.verify.consistency import relationship_sex_sql

# Columns of the frame that engines receive (besides the `karez.names` name columns).
FRAME_COLUMNS = (
    "mention_id",
    "source_id",
    "record_id",
    "role",
    "name",
    "name_raw",
    "id_number",
    "id_region_birth",
    "id_checked",
    "birth_date",
    "birth_date_swapped",
    "birth_month",
    "birth_year",
    "birth_lustrum",
    "birth_lustrum_shifted",
    "sex",
    "whereabouts",
    "country",
    "abroad",
    "township_skeleton",
    "village_skeleton",
    "village_key",
    "village_from_record",
    "village_stated_key",
    "county",
    "father_rel_skeleton",
    "spouse_rel_skeleton",
    "household_names",
    "household_size",
    "kin_to",
    "kin",
)


class NothingToLinkError(KarezError):
    """The case has no person mentions to link."""


# Administrative words around place names, in the scripts sources use. Removed so that
# 博斯坦乡 and "Bostan township" reduce to the same reading.
_PLACE_SUFFIX = re.compile(r"(乡|镇|村|县|市|街道|社区|大队|小队|居委会|村委会|组|区)$")
_PLACE_WORDS = re.compile(
    r"\b(township|village|county|town|city|yeza|yéza|kent|nahiye|naxiye|mehelle|kenti|district)\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=200_000)
def place_skeleton(text: str) -> str | None:
    """A script-independent key of a place name: its reading without administrative words,
    followed by its number if it has one (villages are numbered: 阿热勒1村, "Aral 1-kent").

    Only the first comma-separated part is kept ("Aral 1-kent, Qaraqash" is the village).
    `阿热勒1村`, `Aral 1-kent, Qaraqash` and `Aral 1` give the same key when the readings agree.
    """
    stripped = text.split(",")[0].split("，")[0].strip()
    for _ in range(2):  # 某某乡某某村: at most two suffixes
        stripped = _PLACE_SUFFIX.sub("", stripped).strip()
    stripped = _PLACE_WORDS.sub(" ", stripped)
    number = "".join(_DIGITS.findall(stripped))
    words = _DIGITS.sub(" ", stripped).strip(" ,-·.")
    if not words:
        return None
    reading = to_uly(words)
    key = skeleton(reading.replace(" ", "")) if reading else ""
    return (key + number) or None


@lru_cache(maxsize=200_000)
def place_key(text: str) -> str | None:
    """A coarser key of a place name for blocking: the consonants of its reading and its
    number (库木巴格9村 reads 'kumubagh', "Qumbagh 9-kent" 'qumbagh': both 'kmbG9')."""
    stripped = text.split(",")[0].split("，")[0].strip()
    for _ in range(2):
        stripped = _PLACE_SUFFIX.sub("", stripped).strip()
    stripped = _PLACE_WORDS.sub(" ", stripped)
    number = "".join(_DIGITS.findall(stripped))
    words = _DIGITS.sub(" ", stripped).strip(" ,-·.")
    reading = to_uly(words) if words else ""
    key = consonant_key(reading.replace(" ", "")) if reading else ""
    return (key + number) if key else None


# A Chinese address runs from large to small: 墨玉县奎牙镇亚朗1村52号. The township is the
# part ending in 镇/乡, the village the part ending in 村 (a registered address names both).
_ADDRESS_TOWNSHIP = re.compile(r"(?:县|市|区)?([^县市区镇乡村\d\s,，]+[镇乡])")
_ADDRESS_VILLAGE = re.compile(r"([^县市区镇乡村\s,，]+村)")
# Latin addresses as relatives abroad write them: "Aral 1-kent, Qaraqash"
_ADDRESS_KENT = re.compile(r"([^\W\d_][^\W_]*(?:[ -][^\W\d_][^\W_]*)*\s*\d*\s*-?\s*(?:kent|village))\b", re.IGNORECASE)


def place_from_address(text: str) -> tuple[str | None, str | None]:
    """(township, village) as an address writes them, or None where it names none.

    Only the village and township words are taken; the house number and county are not
    (`墨玉县奎牙镇亚朗1村52号` gives ('奎牙镇', '亚朗1村')). A village with a number but no
    name (`37村`) gives no village: that number alone would equate villages of every county.
    """
    township_match = _ADDRESS_TOWNSHIP.search(text)
    village_match = _ADDRESS_VILLAGE.search(text) or _ADDRESS_KENT.search(text)
    village = village_match.group(1) if village_match else None
    if village is not None and not _DIGITS.sub("", village).strip(" -村").strip():
        village = None
    return (township_match.group(1) if township_match else None), village


_ADDRESS_COUNTY = re.compile(r"^([^县市区镇乡村\d\s,，]+[县市])")


@lru_cache(maxsize=20_000)
def county_of(text: str) -> str | None:
    """The gazetteer id of the county a place text names (`karez.names.places`), or None.

    A county named outright (`墨玉县`, `Qaraqash`, `Karakax`), at the head of a Chinese
    address (`洛浦县23村193号`), after a comma in a Latin address (`Yalang 2-kent,
    Qaraqash`), or a town or township the gazetteer places in a county (`扎瓦镇`).
    """
    from karez.names.places import gazetteer, lookup_place

    by_id = {place.id: place for place in gazetteer()}
    head = _ADDRESS_COUNTY.match(text.strip())
    parts = [head.group(1)] if head else []
    parts += [part.strip() for part in re.split(r"[,，]", text)[1:] if part.strip()]
    if not head and not parts:
        parts = [text.strip()]
    for part in parts:
        place = lookup_place(part)
        while place is not None and place.kind not in ("county", "city"):
            place = by_id.get(place.parent)
        if place is not None:
            return place.id
    return None


def _counties(frame: pd.DataFrame) -> list[str | None]:
    """The county of each mention: from its address, village or township, whichever names one."""
    out: list[str | None] = []
    columns = [frame[c].astype(object) if c in frame.columns else [None] * len(frame)
               for c in ("address", "village", "township")]
    for texts in zip(*columns, strict=True):
        county = None
        for text in texts:
            if isinstance(text, str) and text.strip():
                county = county_of(text)
                if county is not None:
                    break
        out.append(county)
    return out


def _whereabouts(frame: pd.DataFrame) -> list[str | None]:
    """Abroad, in China or deceased, as each mention's record states it (None if it does not)."""
    n = len(frame)
    states = frame["states"].astype(object) if "states" in frame.columns else [None] * n
    addresses = frame["address"].astype(object) if "address" in frame.columns else [None] * n
    held = frame["held"].astype(object) if "held" in frame.columns else [False] * n
    cache: dict[tuple[tuple[str, ...], str | None, bool], str | None] = {}
    out: list[str | None] = []
    for state, address, was_held in zip(states, addresses, held, strict=True):
        key = (tuple(state) if isinstance(state, (list, tuple, np.ndarray)) else (),
               address if isinstance(address, str) else None, was_held is True or was_held is np.True_)
        if key not in cache:
            cache[key] = whereabouts(list(key[0]), key[1], key[2])
        out.append(cache[key])
    return out


def _countries(frame: pd.DataFrame, where: list[str | None]) -> list[str | None]:
    """The country abroad each mention's record names (its address, else a stated
    condition such as 在土耳其), for mentions the record puts abroad; None otherwise."""
    n = len(frame)
    states = frame["states"].astype(object) if "states" in frame.columns else [None] * n
    addresses = frame["address"].astype(object) if "address" in frame.columns else [None] * n
    out: list[str | None] = []
    for state, address, w in zip(states, addresses, where, strict=True):
        found = None
        if w == "abroad":
            found = country_of(address)
            if found is None and isinstance(state, (list, tuple, np.ndarray)):
                named = {country_of(s) for s in state} - {None}
                found = named.pop() if len(named) == 1 else None
        out.append(found)
    return out


def _name_skeleton(text: object) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    reading = to_uly(text)
    return " ".join(skeleton(part) for part in reading.split()) if reading else None


_FRAME_SQL = """
WITH rel AS (
    SELECT r.to_mention AS mention_id, r.relationship, m.name
    FROM relations r JOIN mentions m ON m.mention_id = r.from_mention
    WHERE r.relationship IN ('father', 'spouse') AND m.name IS NOT NULL
    UNION ALL
    -- a spouse relation stated from either side names the other spouse
    SELECT r.from_mention, r.relationship, m.name
    FROM relations r JOIN mentions m ON m.mention_id = r.to_mention
    WHERE r.relationship = 'spouse' AND m.name IS NOT NULL
),
rel_names AS (
    SELECT mention_id,
           min(name) FILTER (WHERE relationship = 'father') AS father_rel,
           min(name) FILTER (WHERE relationship = 'spouse') AS spouse_rel
    FROM rel GROUP BY mention_id
),
own_relation AS (
    -- the relation a mention is the subject of (the witness is the missing person's
    -- brother; a family-cell relative is the internee's son): one per mention, and the sex
    -- its word implies
    SELECT r.from_mention AS mention_id, min(r.to_mention) AS kin_to, min(r.relationship) AS kin,
           min({relationship_sex}) AS kin_sex
    FROM relations r GROUP BY r.from_mention
),
states AS (
    -- what the record says of the person's condition (a list's 在国外, 已故, 务农), and
    -- whether it says they were held: karez.link.whereabouts
    SELECT mention_id,
           list(status_text ORDER BY status_text) FILTER (WHERE event_type = 'status' AND status_text IS NOT NULL) AS states,
           bool_or(event_type = 'detention') AS held
    FROM events GROUP BY mention_id
),
record_year AS (
    -- the latest dated event of a record dates the record, so a stated age gives a birth year
    SELECT record_id, max(year(date)) AS year FROM events WHERE date IS NOT NULL GROUP BY record_id
)
SELECT m.mention_id, m.source_id, m.record_id, m.role, m.name, m.id_number,
       m.birth_date, m.birth_date_precision, m.age, m.age_kind, m.sex, m.township, m.village, m.address,
       rn.father_rel, rn.spouse_rel, ry.year AS record_year, o.kin_to, o.kin, o.kin_sex,
       st.states, coalesce(st.held, false) AS held
FROM mentions m
JOIN sources s ON s.source_id = m.source_id AND s.status = 'active'
LEFT JOIN rel_names rn ON rn.mention_id = m.mention_id
LEFT JOIN record_year ry ON ry.record_id = m.record_id
LEFT JOIN own_relation o ON o.mention_id = m.mention_id
LEFT JOIN states st ON st.mention_id = m.mention_id
ORDER BY m.mention_id
""".replace("{relationship_sex}", relationship_sex_sql("r"))


def _household_names(frame: pd.DataFrame) -> list[list[str] | None]:
    """For each mention, the name keys of the other people its record names (sorted,
    distinct; None when it names nobody else). Two lists that name the same relatives
    around a person are evidence where a bare name is not: a father listed in the rows of
    two of his children comes with the same mother and siblings both times."""
    by_record: dict[str, list[tuple[str, str]]] = {}
    # coarse keys, not skeletons: the people around a person are often named in another
    # script (a witness abroad writes Latin "Sabir", the list 沙比尔, read "shabir"), and
    # the plain consonant keys keep s and sh apart; one key per person (the best reading),
    # so that the size of an intersection counts people
    for mention, record, given, father in zip(
        frame["mention_id"], frame["record_id"], frame["given_skeleton"], frame["father_skeleton"], strict=True
    ):
        given_key = coarse_key(given)[:4] if isinstance(given, str) and given else ""
        if given_key:
            father_key = coarse_key(father)[:4] if isinstance(father, str) and father else ""
            name = f"{given_key}|{father_key}" if father_key else given_key
            by_record.setdefault(record, []).append((mention, name))
    out: list[list[str] | None] = []
    for mention, record in zip(frame["mention_id"], frame["record_id"], strict=True):
        others = sorted({name for other, name in by_record.get(record, ()) if other != mention})
        out.append(others or None)
    return out


def _places(frame: pd.DataFrame) -> tuple[list[object], list[object]]:
    """Township and village of each mention: the stated ones, else those its address names."""
    townships = list(frame["township"].astype(object))
    villages = list(frame["village"].astype(object))
    addresses = frame["address"].astype(object) if "address" in frame.columns else [None] * len(frame)
    cache: dict[str, tuple[str | None, str | None]] = {}
    for index, address in enumerate(addresses):
        if not isinstance(address, str) or not address.strip():
            continue
        if isinstance(townships[index], str) and isinstance(villages[index], str):
            continue
        if address not in cache:
            cache[address] = place_from_address(address)
        township, village = cache[address]
        if not isinstance(townships[index], str):
            townships[index] = township
        if not isinstance(villages[index], str):
            villages[index] = village
    return townships, villages


def _inherit_record_village(out: pd.DataFrame) -> None:
    """A mention that states no village takes its record's (`village_from_record` True).

    A list row names the internee's village and, in the family cell, relatives without
    one; a testimony names the missing person's village and the witness without one. The
    people a record names around a person mostly share a household, so the record's
    village is evidence for them too, if weaker (a married daughter lives elsewhere); the
    place comparison gives it a level of its own so the model learns how much weaker.
    The subject's village is preferred when several mentions of a record state one.
    """
    stated = out[out["village_skeleton"].notna()]
    stated = stated.assign(_subject=(stated["role"] != "subject")).sort_values(["record_id", "_subject", "mention_id"])
    first = stated.drop_duplicates("record_id")
    village_of = dict(zip(first["record_id"], first["village_skeleton"], strict=True))
    key_of = dict(zip(first["record_id"], first["village_key"], strict=True))
    out["village_stated_key"] = out["village_key"]
    missing = out["village_skeleton"].isna() & out["record_id"].isin(village_of)
    out["village_from_record"] = missing.to_numpy()
    out.loc[missing, "village_skeleton"] = out.loc[missing, "record_id"].map(village_of)
    out.loc[missing, "village_key"] = out.loc[missing, "record_id"].map(key_of)


def load_mentions(case: Case) -> pd.DataFrame:
    """The case's mentions with the names of their stated father and spouse (same record)."""
    return case.store.df(_FRAME_SQL)


def build_frame(mentions: pd.DataFrame, *, reference_year: int | None = None) -> pd.DataFrame:
    """The linkage frame for `mentions` (rows as `load_mentions` returns them).

    Promises one row per mention, `mention_id` unique and sorted, and the columns of
    `FRAME_COLUMNS` plus the name columns of `karez.names.splink.name_columns`. Missing
    values are nulls. `birth_year` comes from the birth date, else from a stated age and
    the year of the record's latest event (else `reference_year`), so approximate ages
    still compare.
    """
    if mentions.empty:
        raise NothingToLinkError(
            "the case has no person mentions to link; ingest sources first (`karez ingest`)"
        )
    frame = mentions.sort_values("mention_id", kind="stable").reset_index(drop=True)
    out = pd.DataFrame(
        {
            "mention_id": frame["mention_id"].astype(str),
            "source_id": frame["source_id"].astype(str),
            "record_id": frame["record_id"].astype(str),
            "role": frame["role"].astype(str),
            "name": frame["name"].astype(object).where(frame["name"].notna(), None),
        }
    )
    # the baseline compares raw strings: lower-cased, nothing else
    out["name_raw"] = [n.strip().lower() if isinstance(n, str) and n.strip() else None for n in out["name"]]
    ids = [
        i.strip().upper() if isinstance(i, str) and i.strip() else None for i in frame["id_number"].astype(object)
    ]
    out["id_number"] = ids
    out["id_region_birth"] = [i[:14] if i and len(i) == 18 else None for i in ids]
    out["id_checked"] = [id_checked(i) if i else None for i in ids]
    dates = pd.to_datetime(frame["birth_date"], errors="coerce")
    precision = frame["birth_date_precision"].astype(object)
    # A resident ID number states a birth date and a sex (GB 11643-1999); lists that give
    # relatives' ID numbers but not their birth dates still compare on both.
    id_dates = pd.to_datetime(
        pd.Series([i[6:14] if i and len(i) == 18 and i[:17].isdigit() else None for i in ids], dtype=object),
        format="%Y%m%d",
        errors="coerce",
    )
    use_id = dates.isna().to_numpy() & id_dates.notna().to_numpy()
    dates = dates.where(~use_id, id_dates.to_numpy())
    precision = precision.where(~use_id, "day")
    day_known = dates.notna() & (precision == "day")
    month_known = dates.notna() & precision.isin(["day", "month"])
    out["birth_date"] = [d.strftime("%Y-%m-%d") if k else None for d, k in zip(dates, day_known, strict=True)]
    out["birth_date_swapped"] = [
        f"{d.year:04d}-{d.day:02d}-{d.month:02d}" if k and d.day <= 12 and d.day != d.month else None
        for d, k in zip(dates, day_known, strict=True)
    ]
    out["birth_month"] = [d.strftime("%Y-%m") if k else None for d, k in zip(dates, month_known, strict=True)]
    year_from_date = dates.dt.year
    ref = frame["record_year"].astype("Float64")
    if reference_year is not None:
        ref = ref.fillna(float(reference_year))
    age = frame["age"].astype("Float64")
    # a nominal age (虚岁) counts the year of birth as one
    nominal = (frame["age_kind"].astype(object) == "nominal").astype("Float64")
    year_from_age = ref - age + nominal - 1.0
    birth_year = year_from_date.astype("Float64").fillna(year_from_age.round())
    out["birth_year"] = birth_year.astype("Int64")
    # Five-year bands on two grids offset by two years: any two years at most two apart
    # share a band on one grid, so blocking on bands finds approximate years (an age, a
    # testimony's "born around 1970") without pairing everyone born in a decade.
    out["birth_lustrum"] = (out["birth_year"] // 5).astype("Int64")
    out["birth_lustrum_shifted"] = ((out["birth_year"] + 2) // 5).astype("Int64")
    sex = frame["sex"].astype(object)
    # stated, else from the ID number (its 17th digit), else from the word of the person's
    # relation: a witness who writes that they are the missing man's daughter states her sex
    kin_sex = frame["kin_sex"].astype(object) if "kin_sex" in frame.columns else [None] * len(frame)
    out["sex"] = [
        s if s in ("M", "F") else (("M" if int(i[16]) % 2 else "F") if i and len(i) == 18 and i[:17].isdigit()
                                   else (k if k in ("M", "F") else None))
        for s, i, k in zip(sex, ids, kin_sex, strict=True)
    ]
    for column in ("kin_to", "kin"):
        values = frame[column].astype(object) if column in frame.columns else pd.Series([None] * len(frame))
        out[column] = [v if isinstance(v, str) else None for v in values]
    out["whereabouts"] = _whereabouts(frame)
    # the country a record abroad names (a witness's "Kazakhstan", a list's 在土耳其): one
    # witness's several testimonies name one country, where namesakes abroad spread over many
    out["country"] = _countries(frame, out["whereabouts"])
    # a blocking key that only people stated to be abroad have (few: a witness and the
    # relative a list marks 在国外 are paired on their names wherever their villages differ)
    out["abroad"] = ["abroad" if w == "abroad" else None for w in out["whereabouts"]]
    townships, villages = _places(frame)
    out["township_skeleton"] = [place_skeleton(t) if isinstance(t, str) else None for t in townships]
    out["village_skeleton"] = [place_skeleton(v) if isinstance(v, str) else None for v in villages]
    out["village_key"] = [place_key(v) if isinstance(v, str) else None for v in villages]
    _inherit_record_village(out)
    # the county a record names (a register's address, a testimony's "..., Qaraqash", a
    # list's township): two namesakes of two counties are two people
    out["county"] = _counties(frame)
    relative_cache: dict[str, str | None] = {}
    for column, target in (("father_rel", "father_rel_skeleton"), ("spouse_rel", "spouse_rel_skeleton")):
        values = []
        for text in frame[column].astype(object):
            if not isinstance(text, str):
                values.append(None)
                continue
            if text not in relative_cache:
                relative_cache[text] = _name_skeleton(text)
            values.append(relative_cache[text])
        out[target] = values
    out = name_columns(out, "name")
    out["household_names"] = _household_names(out)
    out["household_size"] = [len(names) if names else 0 for names in out["household_names"]]
    # pandas nullable / numpy types confuse engines less as plain objects
    out["name_keys"] = [list(k) if k is not None else [] for k in out["name_keys"]]
    return out
