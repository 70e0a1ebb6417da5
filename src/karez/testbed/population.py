"""The fictional county: townships, villages, clans, households over three generations.

Model (all vectorised, deterministic for a seed):

* A *clan* is a grandfather and grandmother (generation 1, born 1928-1962) and their
  children (generation 2). Sons and daughters who are old enough marry by birth-year rank
  across the county; a son without a bride from the county marries a woman from another
  Hotan county. Each married son heads a household in his clan's village; the grandparents
  and unmarried children live with the youngest married son (the Uyghur custom).
* Generation 3 are the children of those couples; they live in their father's household.
* Uyghur naming: no surname; a person's second name part is the father's given name, so
  siblings share it. Names are drawn from the lexicon's frequency model.
* Neighbours are households next to each other in a village's numbering.
* A few adults live abroad (relatives who later testify); some older people have died.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from karez.testbed.idnumbers import KARAKAX, REGIONS, draw_sequences, id_bodies, make_id_numbers
from karez.testbed.lexicon import Lexicon

REFERENCE_YEAR = 2017  # ages are stated as of the campaign's first year

# Townships of Karakax county (real public place names, ULY and Chinese); villages are fictional.
TOWNSHIPS = (
    ("喀拉喀什镇", "Qaraqash baziri"), ("奎牙镇", "Qaymaq baziri"), ("扎瓦镇", "Zawa baziri"),
    ("芒来乡", "Manglay yézisi"), ("托胡拉乡", "Toxula yézisi"), ("萨依巴格乡", "Saybagh yézisi"),
    ("加汗巴格乡", "Jahanbagh yézisi"), ("阔依其乡", "Qoyche yézisi"), ("普恰克其乡", "Puchaqchi yézisi"),
    ("喀尔赛乡", "Qarsay yézisi"), ("英也尔乡", "Yéngiyer yézisi"), ("吐外特乡", "Tuwet yézisi"),
    ("雅瓦乡", "Yawa yézisi"), ("乌尔其乡", "Örche yézisi"), ("阿克萨拉依乡", "Aqsaray yézisi"),
    ("喀瓦克乡", "Kawak yézisi"),
)  # fmt: skip
VILLAGE_STEMS = (
    ("博斯坦", "Bostan"), ("英其开", "Yéngiériq"), ("库木巴格", "Qumbagh"), ("阿克其", "Aqchi"),
    ("托格拉克", "Toghraq"), ("喀拉塔什", "Qarataash"), ("巴格其", "Baghchi"), ("吾斯塘", "Östeng"),
    ("阿热勒", "Aral"), ("塔木", "Tam"), ("亚朗", "Yalang"), ("其乃巴格", "Chinebagh"),
    ("苏盖提", "Söget"), ("阔什", "Qosh"), ("阿亚克", "Ayaq"), ("喀尔墩", "Qarudun"),
)  # fmt: skip
ABROAD_COUNTRIES = (("Turkey", 0.45), ("Kazakhstan", 0.15), ("Kyrgyzstan", 0.08),
                    ("Saudi Arabia", 0.08), ("Egypt", 0.06), ("Netherlands", 0.05),
                    ("Germany", 0.05), ("United States", 0.05), ("Australia", 0.03))
CLANS_PER_VILLAGE = 60
VILLAGES_PER_TOWNSHIP = 12
ABROAD_SHARE = 0.05  # of adults born 1955-1998 who did not marry in: see docs/testbed.md
PEOPLE_PER_CLAN = 11.9  # measured average of the model below, used to size a population


@dataclass
class Population:
    """People (one row each) and households of the county."""

    persons: pd.DataFrame
    households: pd.DataFrame
    villages: pd.DataFrame


def _dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    start = (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    return start + rng.integers(0, 365, size=len(start)).astype("timedelta64[D]")


def build_population(rng: np.random.Generator, target_people: int, lexicon: Lexicon) -> Population:
    """A county of about `target_people` people (see the module docstring for the model)."""
    n_clans = max(8, round(target_people / PEOPLE_PER_CLAN))
    n_villages = max(3, -(-n_clans // CLANS_PER_VILLAGE))
    n_townships = min(len(TOWNSHIPS), max(2, -(-n_villages // VILLAGES_PER_TOWNSHIP)))
    village_township = np.arange(n_villages) % n_townships
    village_number = np.arange(n_villages) // n_townships + 1
    stems = rng.integers(0, len(VILLAGE_STEMS), size=n_villages)
    villages = pd.DataFrame({
        "village": np.arange(n_villages),
        "township": village_township,
        "township_zh": [TOWNSHIPS[t][0] for t in village_township],
        "township_uly": [TOWNSHIPS[t][1] for t in village_township],
        "village_zh": [f"{VILLAGE_STEMS[s][0]}{n}村" for s, n in zip(stems, village_number, strict=True)],
        "village_uly": [f"{VILLAGE_STEMS[s][1]} {n}-kent" for s, n in zip(stems, village_number, strict=True)],
    })
    clan_village = rng.integers(0, n_villages, size=n_clans)

    # Generation 1: grandparents.
    g1_father_year = rng.integers(1928, 1963, size=n_clans)
    g1_mother_year = np.minimum(g1_father_year + rng.integers(-1, 9, size=n_clans), 1966)
    # Generation 2: their children.
    n_children = 1 + rng.poisson(np.where(g1_mother_year < 1950, 4.2, 3.6))
    g2_clan = np.repeat(np.arange(n_clans), n_children)
    g2_year = g1_mother_year[g2_clan] + rng.integers(18, 43, size=len(g2_clan))
    g2_year = np.minimum(g2_year, 2010)
    g2_male = rng.random(len(g2_clan)) < 0.51

    # Marriage by birth-year rank: sons with daughters about four years younger.
    son_idx = np.flatnonzero(g2_male & (g2_year <= 1996) & (rng.random(len(g2_clan)) < 0.92))
    daughter_idx = np.flatnonzero(~g2_male & (g2_year <= 1998) & (rng.random(len(g2_clan)) < 0.92))
    son_idx = son_idx[np.argsort(g2_year[son_idx] + rng.random(len(son_idx)) * 3, kind="stable")]
    daughter_idx = daughter_idx[np.argsort(g2_year[daughter_idx] - 4 + rng.random(len(daughter_idx)) * 3, kind="stable")]
    n_pairs = min(len(son_idx), len(daughter_idx))
    bride = np.full(len(son_idx), -1)
    bride[:n_pairs] = daughter_idx[:n_pairs]
    same_clan = (bride >= 0) & (g2_clan[np.maximum(bride, 0)] == g2_clan[son_idx])
    bride[same_clan] = -1
    n_outside = int((bride < 0).sum())

    # Index layout of persons: [g1 fathers | g1 mothers | g2 | outside brides | g3]
    n_g2 = len(g2_clan)
    off_g1m, off_g2 = n_clans, 2 * n_clans
    off_out = off_g2 + n_g2
    husbands = off_g2 + son_idx
    wives = np.where(bride >= 0, off_g2 + bride, 0)
    wives[bride < 0] = off_out + np.arange(n_outside)
    out_year = g2_year[son_idx[bride < 0]] + rng.integers(0, 7, size=n_outside)

    # Generation 3: children of every couple.
    wife_year = np.where(bride >= 0, g2_year[np.maximum(bride, 0)], 0)
    wife_year[bride < 0] = out_year
    n_g3_each = rng.poisson(np.where(wife_year < 1975, 3.3, 2.6))
    g3_couple = np.repeat(np.arange(len(son_idx)), n_g3_each)
    g3_year = wife_year[g3_couple] + rng.integers(19, 43, size=len(g3_couple))
    keep = g3_year <= 2018
    g3_couple, g3_year = g3_couple[keep], g3_year[keep]
    n_g3 = len(g3_couple)
    off_g3 = off_out + n_outside
    n = off_g3 + n_g3

    male = np.zeros(n, dtype=bool)
    male[:n_clans] = True
    male[off_g2:off_out] = g2_male
    male[off_g3:] = rng.random(n_g3) < 0.51
    year = np.concatenate([g1_father_year, g1_mother_year, g2_year, out_year, g3_year])
    generation = np.concatenate([np.full(2 * n_clans, 1), np.full(n_g2 + n_outside, 2), np.full(n_g3, 3)])
    father = np.full(n, -1)
    mother = np.full(n, -1)
    father[off_g2:off_out] = g2_clan
    mother[off_g2:off_out] = off_g1m + g2_clan
    father[off_g3:] = husbands[g3_couple]
    mother[off_g3:] = wives[g3_couple]
    spouse = np.full(n, -1)
    spouse[:n_clans] = off_g1m + np.arange(n_clans)
    spouse[off_g1m:off_g2] = np.arange(n_clans)
    spouse[husbands] = wives
    spouse[wives] = husbands

    sexes = np.where(male, "M", "F")
    given = lexicon.draw(rng, sexes)
    father_name = lexicon.draw(rng, np.full(n, "M"))  # for those whose father is not modelled
    has_father = father >= 0
    father_name[has_father] = given[father[has_father]]

    # Households: one per married son; grandparents and unmarried children with the youngest.
    n_households = len(son_idx)
    household = np.full(n, -1)
    household[husbands] = np.arange(n_households)
    household[wives] = np.arange(n_households)
    household[off_g3:] = g3_couple
    clan_of_son = g2_clan[son_idx]
    order = np.lexsort((-g2_year[son_idx], clan_of_son))
    first_of_clan = np.ones(len(order), dtype=bool)
    first_of_clan[1:] = clan_of_son[order][1:] != clan_of_son[order][:-1]
    clan_household = np.full(n_clans, -1)
    clan_household[clan_of_son[order][first_of_clan]] = order[first_of_clan]
    lonely = np.flatnonzero(clan_household < 0)
    clan_household[lonely] = n_households + np.arange(len(lonely))
    n_households += len(lonely)
    household[:n_clans] = clan_household
    household[off_g1m:off_g2] = clan_household
    unhoused = np.flatnonzero(household[off_g2:off_out] < 0) + off_g2
    household[unhoused] = clan_household[g2_clan[unhoused - off_g2]]

    household_village = np.empty(n_households, dtype=np.int64)
    household_village[: len(son_idx)] = clan_village[clan_of_son]
    household_village[len(son_idx):] = clan_village[lonely]
    # Number households within each village (their door numbers) in a shuffled order.
    shuffle = rng.permutation(n_households)
    by_village = shuffle[np.argsort(household_village[shuffle], kind="stable")]
    door = np.empty(n_households, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(household_village[by_village])) + 1]
    counts = np.diff(np.r_[starts, n_households])
    door[by_village] = np.arange(n_households) - np.repeat(starts, counts) + 1
    village_of = household_village[household]

    birth = _dates(rng, year)
    alive = (REFERENCE_YEAR - year) < rng.normal(76, 9, size=n)
    adult_migrant = (generation >= 2) & (year >= 1955) & (year <= 1998) & (wives_mask(n, wives) == 0)
    abroad = adult_migrant & (rng.random(n) < ABROAD_SHARE) & alive
    countries = np.array([c for c, _ in ABROAD_COUNTRIES])
    weights = np.array([w for _, w in ABROAD_COUNTRIES])
    country = np.where(abroad, rng.choice(countries, size=n, p=weights / weights.sum()), "")

    region = np.full(n, int(KARAKAX))
    outside = np.arange(n) >= off_out
    outside &= np.arange(n) < off_g3
    others = [int(r.code) for r in REGIONS if r.code not in (KARAKAX, "659009", "653201")]
    region[outside] = rng.choice(others, size=int(outside.sum()))
    id_number = _unique_ids(rng, region, birth, male)

    households = pd.DataFrame({
        "household_id": [f"H{h:06d}" for h in range(n_households)],
        "village": household_village,
        "door": door,
    })
    households = households.merge(villages, on="village", how="left")
    households["address_zh"] = ("墨玉县" + households["township_zh"] + households["village_zh"]
                                + households["door"].astype(str) + "号")
    households["address_uly"] = (households["village_uly"] + " " + households["door"].astype(str)
                                 + ", " + households["township_uly"] + ", Qaraqash")

    persons = pd.DataFrame({
        "person_id": person_ids(np.arange(n)),
        "sex": sexes,
        "birth_date": birth,
        "generation": generation,
        "given_name_id": given,
        "father_name_id": father_name,
        "given_uly": lexicon.uly[given],
        "father_name_uly": lexicon.uly[father_name],
        "father_index": father,
        "mother_index": mother,
        "spouse_index": spouse,
        "household_index": household,
        "household_id": households["household_id"].to_numpy()[household],
        "village": village_of,
        "township": villages["township"].to_numpy()[village_of],
        "region_code": region.astype(str),
        "id_number": id_number,
        "alive": alive,
        "abroad": abroad,
        "abroad_country": country,
        "in_county": True,
    })
    # Each person's own Chinese spelling on their papers: mostly the usual form.
    persons["given_variant"] = _official_variants(rng, lexicon.n_chinese[given])
    persons["father_variant"] = _official_variants(rng, lexicon.n_chinese[father_name])
    return Population(persons=persons, households=households, villages=villages)


def person_ids(index: np.ndarray) -> np.ndarray:
    """"P" and the index in 7 digits (P0000042), built as bytes rather than formatted one by one."""
    index = np.asarray(index, dtype=np.int64)
    chars = np.empty((len(index), 8), dtype=np.uint8)
    chars[:, 0] = ord("P")
    rest = index.copy()
    for position in range(7, 0, -1):
        chars[:, position] = rest % 10 + ord("0")
        rest //= 10
    return chars.view("S8").ravel().astype("U8")


class Children:
    """Each parent's children (by father and by mother) in person order, as sorted index
    arrays: `get(parent)` is what a dict of lists would give, built without a Python loop
    over the population."""

    def __init__(self, persons: pd.DataFrame) -> None:
        parents, kids = [], []
        for column in ("father_index", "mother_index"):
            parent = persons[column].to_numpy()
            has = np.flatnonzero(parent >= 0)
            parents.append(parent[has])
            kids.append(has)
        parent = np.concatenate(parents)
        child = np.concatenate(kids)
        order = np.lexsort((child, parent))
        self.parent, self.child = parent[order], child[order]

    def get(self, parent: int, default: list[int] | None = None) -> list[int]:
        low = int(np.searchsorted(self.parent, parent, "left"))
        high = int(np.searchsorted(self.parent, parent, "right"))
        return self.child[low:high].tolist() if high > low else ([] if default is None else default)


def wives_mask(n: int, wives: np.ndarray) -> np.ndarray:
    """1 for persons who married into a household (their migration is modelled by the husband)."""
    mask = np.zeros(n, dtype=np.int8)
    mask[wives] = 1
    return mask


def _official_variants(rng: np.random.Generator, n_forms: np.ndarray) -> np.ndarray:
    usual = rng.random(len(n_forms)) < 0.8
    other = rng.integers(0, 1 << 20, size=len(n_forms)) % np.maximum(n_forms, 1)
    return np.where(usual, 0, other).astype(np.int8)


def _unique_ids(rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """ID numbers, redrawing sequence numbers until no two people share one."""
    sequences = draw_sequences(rng, male)
    for _ in range(50):
        # The 17-digit body is region, birth date and sequence: one int64 key.
        clash = pd.Series(id_bodies(region, birth, sequences)).duplicated().to_numpy()
        if not clash.any():
            break
        sequences[clash] = draw_sequences(rng, male[clash])
    return make_id_numbers(region, birth, sequences)


def outside_people(rng: np.random.Generator, n: int, lexicon: Lexicon, first_index: int) -> pd.DataFrame:
    """Adults of the other Hotan counties, who fill the surveillance-style register."""
    year = rng.integers(1940, 2002, size=n)
    male = rng.random(n) < 0.5
    sexes = np.where(male, "M", "F")
    codes = [r for r in REGIONS if r.code != KARAKAX]
    pick = rng.integers(0, len(codes), size=n)
    region = np.array([int(r.code) for r in codes])[pick]
    # An ID is first issued at birth (or in 1985 for those born before IDs existed): a code
    # created later (Hotan city 1983, Kunyu 2016) falls back to the county it was cut from.
    issued = np.maximum(year, 1985)
    valid_from = np.array([r.valid_from for r in codes])[pick]
    region = np.where(issued < valid_from, 653221, region)
    birth = _dates(rng, year)
    given = lexicon.draw(rng, sexes)
    father_name = lexicon.draw(rng, np.full(n, "M"))
    index = np.arange(first_index, first_index + n)
    frame = pd.DataFrame({
        "person_id": person_ids(index),
        "sex": sexes,
        "birth_date": birth,
        "generation": 0,
        "given_name_id": given,
        "father_name_id": father_name,
        "given_uly": lexicon.uly[given],
        "father_name_uly": lexicon.uly[father_name],
        "father_index": -1, "mother_index": -1, "spouse_index": -1, "household_index": -1,
        "household_id": None, "village": -1, "township": -1,
        "region_code": region.astype(str),
        "id_number": _unique_ids(rng, region, birth, male),
        "alive": True, "abroad": False, "abroad_country": "", "in_county": False,
    })
    frame["given_variant"] = _official_variants(rng, lexicon.n_chinese[given])
    frame["father_variant"] = _official_variants(rng, lexicon.n_chinese[father_name])
    return frame
