"""What the linkage model compares, how candidate pairs are found, how it is trained.

Everything here is engine-neutral: Splink comparison *creators* (which write their SQL for
whichever dialect the engine has) and blocking rules described as data (`BlockingRule`),
which each engine turns into Splink rules and into its own SQL for measuring recall.

Why one name comparison rather than three (full, given, father): Splink multiplies the
evidence of comparisons as if independent. Full name, given name and father's name are
the same evidence seen three ways; as separate comparisons they would count it three
times and make every namesake look certain. One comparison with levels for each way the
names agree (whole name, both parts, parts swapped, only the given name ...) counts it
once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BlockingRule:
    """Candidate pairs share the values of `columns` (all non-null); an `arrays` column
    matches when the two lists share an element."""

    name: str
    columns: tuple[str, ...]
    arrays: tuple[str, ...] = ()

    def as_splink(self) -> Any:
        from splink import block_on

        return block_on(*self.columns, arrays_to_explode=list(self.arrays) or None)


@dataclass(frozen=True)
class ModelSpec:
    """A linkage model before training: comparisons, blocking, training plan."""

    name: str
    comparisons: tuple[Any, ...]
    blocking: tuple[BlockingRule, ...]
    # EM passes: each blocks on some columns, so it estimates m of the other comparisons
    em_rules: tuple[BlockingRule, ...]
    # deterministic rules (SQL on l./r.) and their assumed recall, to estimate λ
    deterministic_rules: tuple[str, ...]
    deterministic_recall: float = 0.7
    u_max_pairs: float = 2e6
    seed: int = 20200217
    columns: tuple[str, ...] = field(default=())


def _name_comparison(across_scripts: bool = False) -> Any:
    """The name comparison of pairs written in one script (`across_scripts` False: both
    names read from Chinese characters or pinyin, or neither) or in two (one a machine
    reading, the other written in Latin, Arabic or Cyrillic letters by a person).

    Two comparisons with the same levels, each null where the other applies, so a pair is
    weighed by one of them and Splink estimates m and u *given* the kind of pair (null
    levels are left out of both). As one comparison, the m of "sound alike in some
    reading" was the share of all true pairs that agree that way: 0.013, mostly Chinese
    pairs that a reading error pushed down a level, where for a Latin spelling against
    characters it is the usual way to agree; it weighed 2.4 bits.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    kind = "<>" if not across_scripts else "="
    return cl.CustomComparison(
        output_column_name="name_across_scripts" if across_scripts else "name",
        comparison_description=(
            "Uyghur name, one side a reading of Chinese characters, the other written in letters"
            if across_scripts
            else "Uyghur name in one script: whole name, given name, father's name"
        ),
        comparison_levels=[
            cll.CustomLevel(
                f"given_skeleton_l IS NULL OR given_skeleton_r IS NULL OR name_is_reading_l {kind} name_is_reading_r"
            ).configure(
                is_null_level=True,
                label_for_charts="name missing, or written in one script" if across_scripts
                else "name missing, or written in two scripts",
            ),
            cll.ExactMatchLevel("name_skeleton", term_frequency_adjustments=True).configure(
                label_for_charts="whole name same (all parts)"
            ),
            cll.And(
                cll.ExactMatchLevel("given_skeleton"), cll.ExactMatchLevel("father_skeleton")
            ).configure(label_for_charts="given and father's name same"),
            cll.And(
                cll.JaroWinklerLevel("given_skeleton", 0.92),
                cll.JaroWinklerLevel("father_skeleton", 0.92),
            ).configure(label_for_charts="given and father's name close"),
            cll.ColumnsReversedLevel("given_skeleton", "father_skeleton", symmetrical=True).configure(
                label_for_charts="given and father's name swapped"
            ),
            # Consonant keys forget what transcriptions disagree on most (vowels, h, y):
            # Obul ~ 吾布力 (ubli), Huseyin ~ 玉散 (yusan) agree here and nowhere above.
            cll.And(cll.ExactMatchLevel("given_key"), cll.ExactMatchLevel("father_key")).configure(
                label_for_charts="given and father's name sound alike"
            ),
            # Coarse keys of every ranked reading (s/sh, j/ch, q/k/g, b/p, d/t merged): a
            # Latin spelling against the characters' machine reading (Yasinjan ~ 亚辛江,
            # read yashinjan first; Polat ~ 波拉提, read bolat) agrees here.
            cll.ArrayIntersectLevel("name_coarse_keys", 1).configure(
                label_for_charts="given and father's name sound alike in some reading"
            ),
            cll.ArrayIntersectLevel("name_keys", 2).configure(
                label_for_charts="two name parts sound alike in some reading"
            ),
            cll.JaroWinklerLevel("name_skeleton", 0.9).configure(label_for_charts="whole name close"),
            cll.And(
                cll.JaroWinklerLevel("given_skeleton", 0.8),
                cll.JaroWinklerLevel("father_skeleton", 0.8),
            ).configure(label_for_charts="given and father's name similar"),
            cll.ExactMatchLevel("given_skeleton").configure(label_for_charts="given name same only"),
            cll.ElseLevel(),
        ],
    )


# One wrong digit, or two swapped adjacent ones, leaves intact the 7th-12th or the
# 13th-18th digits, or else the first eleven (a swap across the 12th/13th). Edit distances
# are slow (they dominated training time) and the region code alone is shared by a whole
# county; this cheap test, in a CASE so the engine evaluates the distance only where it
# holds (an AND does not stop DuckDB from computing both sides), skips almost every pair.
_ID_GUARD = (
    "(substr(id_number_l, 7, 6) = substr(id_number_r, 7, 6) OR "
    "substr(id_number_l, 13, 6) = substr(id_number_r, 13, 6) OR "
    "substr(id_number_l, 1, 11) = substr(id_number_r, 1, 11)) "
    # a slip breaks the check digit (ISO 7064 MOD 11-2 catches every one-digit error and
    # swap): two numbers that both pass it are two people's, not one number miswritten
    "AND NOT (coalesce(id_checked_l, false) AND coalesce(id_checked_r, false))"
)


def _id_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="id_number",
        comparison_description="resident ID number",
        comparison_levels=[
            # The clause after the null test is always false; it names the village so that
            # Splink, which lets an EM pass estimate every comparison that reads none of
            # the pass's blocking columns, leaves this one out of the pass blocked on
            # village and birth year (there for the names across scripts). Left in, EM
            # took namesakes of one village and year with two ID numbers for matches, and
            # two ID numbers weighed -7.4 bits instead of -8.9: register <> register
            # precision on the medium testbed fell from 0.938 to 0.870.
            cll.CustomLevel(
                "id_number_l IS NULL OR id_number_r IS NULL OR (village_key_l IS NULL AND village_key_l IS NOT NULL)"
            ).configure(is_null_level=True, label_for_charts="ID number missing"),
            cll.ExactMatchLevel("id_number").configure(label_for_charts="same ID number"),
            cll.CustomLevel(
                f"CASE WHEN {_ID_GUARD} THEN levenshtein(id_number_l, id_number_r) <= 1 ELSE false END",
                label_for_charts="ID number one digit off",
            ),
            # damerau_levenshtein is DuckDB's; a Spark engine registers Splink's UDF of that name
            cll.CustomLevel(
                f"CASE WHEN {_ID_GUARD} THEN damerau_levenshtein(id_number_l, id_number_r) <= 1 ELSE false END",
                label_for_charts="ID number digits transposed",
            ),
            cll.ElseLevel(),
        ],
    )


def _birth_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="birth dates, where both sides give at least a month",
        comparison_levels=[
            # a side that gives only a year (a testimony's "born 1970", an age) is compared
            # by `birth_year` instead: see _birth_year_comparison
            cll.CustomLevel("birth_month_l IS NULL OR birth_month_r IS NULL").configure(
                is_null_level=True, label_for_charts="a birth date missing on one side"
            ),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="same birth date"),
            cll.CustomLevel(
                "birth_date_l = birth_date_swapped_r", label_for_charts="birth day and month swapped"
            ),
            cll.ExactMatchLevel("birth_month").configure(label_for_charts="same birth month"),
            cll.ExactMatchLevel("birth_year").configure(label_for_charts="same birth year, dates differ"),
            cll.ElseLevel(),
        ],
    )


def _birth_year_comparison() -> Any:
    """Birth years where one side gives only a year or an age.

    A comparison of its own, null wherever `_birth_comparison` applies, so that each pair
    is weighed by exactly one of them and Splink estimates m and u *given* that one side
    is approximate (it leaves null levels out of both). As levels of one birth comparison,
    "same year, one side a year only" had m = P(a year-only side and same year | match):
    the share of true pairs that involve a testimony at all (about 0.001), not how often a
    testimony's year is right, and weighed 1.4 bits where it is worth about 4.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="birth_year",
        comparison_description="birth year, where one side gives only a year or an age",
        comparison_levels=[
            cll.CustomLevel(
                "birth_year_l IS NULL OR birth_year_r IS NULL OR "
                "(birth_month_l IS NOT NULL AND birth_month_r IS NOT NULL)"
            ).configure(is_null_level=True, label_for_charts="no year, or both give a date"),
            cll.ExactMatchLevel("birth_year").configure(label_for_charts="same birth year (one side a year or an age)"),
            cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 1").configure(
                label_for_charts="birth years one apart (one side a year or an age)"
            ),
            cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 2").configure(
                label_for_charts="birth years two apart (one side a year or an age)"
            ),
            cll.ElseLevel(),
        ],
    )


# Villages are numbered (库木巴格3村, "Qumbagh 3-kent"): two names close enough, with the
# same number, are one village spelled in two scripts (the reading of 库木巴格 is
# "kumubagh", a person writes "Qumbagh"); close names with different numbers are two
# neighbouring villages.
_SAME_VILLAGE = (
    "(village_skeleton_l = village_skeleton_r OR ("
    "regexp_extract(village_skeleton_l, '[0-9]+$') = regexp_extract(village_skeleton_r, '[0-9]+$') "
    "AND jaro_winkler_similarity(village_skeleton_l, village_skeleton_r) >= 0.88))"
)


def _place_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="place",
        comparison_description="village, township and county, across scripts",
        comparison_levels=[
            cll.CustomLevel(
                "(village_skeleton_l IS NULL OR village_skeleton_r IS NULL) AND "
                "(township_skeleton_l IS NULL OR township_skeleton_r IS NULL) AND "
                "(county_l IS NULL OR county_r IS NULL)",
            ).configure(is_null_level=True, label_for_charts="place missing"),
            cll.CustomLevel(
                f"{_SAME_VILLAGE} AND NOT village_from_record_l AND NOT village_from_record_r",
                label_for_charts="same village",
            ),
            # a relative in a family cell, or a testimony's witness, states no village; the
            # village of the record (the household's) is weaker evidence, weighed apart
            cll.CustomLevel(_SAME_VILLAGE).configure(
                label_for_charts="same village (one side's from the rest of its record)"
            ),
            cll.JaroWinklerLevel("village_skeleton", 0.88).configure(label_for_charts="village close"),
            cll.ExactMatchLevel("village_key").configure(label_for_charts="village sounds alike"),
            cll.ExactMatchLevel("township_skeleton").configure(label_for_charts="same township"),
            # a register of several counties: a namesake in another county is another person
            cll.CustomLevel("county_l <> county_r").configure(label_for_charts="different counties"),
            cll.ElseLevel(),
        ],
    )


# The comparisons that weigh the record around a person (the village it names, the other
# people it names), not the person. Inside two records already known to be linked they
# are the reason to look, not evidence about which of a family is which
# (karez.link.household).
RECORD_CONTEXT = ("place", "relatives")


def _relatives_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="relatives",
        comparison_description="father's or spouse's name, and the other people named, in the same record",
        comparison_levels=[
            cll.CustomLevel(
                "(father_rel_skeleton_l IS NULL OR father_rel_skeleton_r IS NULL) AND "
                "(spouse_rel_skeleton_l IS NULL OR spouse_rel_skeleton_r IS NULL) AND "
                "(household_names_l IS NULL OR household_names_r IS NULL)",
            ).configure(is_null_level=True, label_for_charts="no relatives named on both sides"),
            cll.Or(
                cll.JaroWinklerLevel("father_rel_skeleton", 0.9),
                cll.JaroWinklerLevel("spouse_rel_skeleton", 0.9),
            ).configure(label_for_charts="father's or spouse's name agrees"),
            cll.ArrayIntersectLevel("household_names", 2).configure(
                label_for_charts="two or more of the same people named in both records"
            ),
            # A testimony names one other person, the witness; a list row that names the
            # same person among the family is strong evidence, where one shared name among
            # eight relatives on both sides is weak (namesakes in one village).
            cll.And(
                cll.ArrayIntersectLevel("household_names", 1),
                cll.CustomLevel("household_size_l = 1 OR household_size_r = 1"),
            ).configure(label_for_charts="the one other person a record names is named in the other"),
            cll.ArrayIntersectLevel("household_names", 1).configure(
                label_for_charts="one of the same people named in both records"
            ),
            # two testimonies by one witness about two relatives each name a different
            # other person: that is what one witness's testimonies look like, not evidence
            # that the two are two people; weighed apart from a testimony against a family
            cll.CustomLevel("household_size_l = 1 AND household_size_r = 1").configure(
                label_for_charts="each record names one other person, not the same"
            ),
            # the witness abroad need not be on a list: their absence is weaker evidence
            # against than two full families that share nobody
            cll.CustomLevel("household_size_l = 1 OR household_size_r = 1").configure(
                label_for_charts="the one other person a record names is not in the other"
            ),
            cll.ElseLevel(),
        ],
    )


# The least m a level of these comparisons may have, above the engine's general floor.
# Whereabouts: the testbed never shows a true pair whose records disagree on where the
# person was (EM finds none and the weight would be the general floor's, -7.5 bits), but
# real lists go out of date and people come back and are held; one true pair in a hundred
# is a judgement, not a measurement (about -4 bits against a pair that disagrees).
M_FLOORS = {"whereabouts": 0.01}


def _whereabouts_comparison() -> Any:
    """Abroad, in China or dead, as each record states it (`karez.link.whereabouts`).

    A testimony's witness writes from abroad; a list marks a relative 在国外, another
    务农 (farming at home) or 已故. Two people of one name in one village, one abroad and one
    at home, are two; the same name abroad on both sides is evidence, as few are abroad.
    Dead against alive in China is a level of its own: a death in custody after a list
    said 在培训 is what investigators look for, and its weight is learnt apart."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="whereabouts",
        comparison_description="abroad, in China or deceased, as the records state it",
        comparison_levels=[
            cll.CustomLevel("whereabouts_l IS NULL OR whereabouts_r IS NULL").configure(
                is_null_level=True, label_for_charts="not stated on both sides"
            ),
            # one witness's testimonies name one country; namesakes abroad spread over many
            cll.CustomLevel(
                "whereabouts_l = 'abroad' AND whereabouts_r = 'abroad' AND country_l = country_r"
            ).configure(label_for_charts="both abroad, in the same country"),
            cll.CustomLevel("whereabouts_l = 'abroad' AND whereabouts_r = 'abroad'").configure(
                label_for_charts="both abroad (the country not stated on both sides, or not the same)"
            ),
            cll.CustomLevel("whereabouts_l = 'in_china' AND whereabouts_r = 'in_china'").configure(
                label_for_charts="both in China"
            ),
            cll.CustomLevel("whereabouts_l = 'deceased' AND whereabouts_r = 'deceased'").configure(
                label_for_charts="both dead"
            ),
            cll.CustomLevel("whereabouts_l = 'abroad' OR whereabouts_r = 'abroad'").configure(
                label_for_charts="one abroad, the other in China or dead"
            ),
            cll.ElseLevel().configure(label_for_charts="one dead, the other alive in China"),
        ],
    )


def _sex_comparison() -> Any:
    import splink.comparison_library as cl

    return cl.ExactMatch("sex")


# The few stated to be abroad (karez.link.whereabouts): a witness and the relative a list
# marks 在国外, whose villages (each lent by its record) need not agree.
_BOTH_ABROAD = BlockingRule("both abroad, same coarse given and father's name key in some reading",
                            ("abroad", "name_coarse_keys"), ("name_coarse_keys",))

# Measured on the medium testbed (147,000 mentions): the given+father key alone makes 8.5
# million candidate pairs and a shared part key with the birth year 15.7 million; these
# rules make about 2 million and keep 99% of true pairs.
BLOCKING = (
    BlockingRule("same ID number", ("id_number",)),
    BlockingRule("same region and birth date in ID number", ("id_region_birth",)),
    BlockingRule("same given and father's name key, birth years in one band",
                 ("given_key", "father_key", "birth_lustrum")),
    BlockingRule("same given and father's name key, birth years in one shifted band",
                 ("given_key", "father_key", "birth_lustrum_shifted")),
    BlockingRule("same given and father's name key and village", ("given_key", "father_key", "village_key")),
    BlockingRule("shared name part key and birth date", ("name_keys", "birth_date"), ("name_keys",)),
    # the stated village only, and birth years in one band: with the villages records lend
    # their relatives and the villages read from addresses, one shared part key and a
    # village made 8 million pairs on the medium testbed
    BlockingRule("shared name part key, stated village, birth years in one band",
                 ("name_keys", "village_stated_key", "birth_lustrum"), ("name_keys",)),
    BlockingRule("shared name part key, stated village, birth years in one shifted band",
                 ("name_keys", "village_stated_key", "birth_lustrum_shifted"), ("name_keys",)),
    # a relative in a family cell (no birth date, the record's village) against a testimony
    BlockingRule("same coarse given and father's name key in some reading and village",
                 ("name_coarse_keys", "village_key"), ("name_coarse_keys",)),
    # across scripts: the machine reading of the characters and a relative's Latin
    # spelling often differ in the plain keys (亚辛江 yashinjan, Yasinjan); the coarse keys
    # of all ranked readings agree, and the birth band keeps namesakes' blocks small
    BlockingRule("same coarse given and father's name key in some reading, birth years in one band",
                 ("name_coarse_keys", "birth_lustrum"), ("name_coarse_keys",)),
    BlockingRule("same coarse given and father's name key in some reading, birth years in one shifted band",
                 ("name_coarse_keys", "birth_lustrum_shifted"), ("name_coarse_keys",)),
    # relatives named without ID number or birth date: same given name key, and another
    # person of the record in common (a father named in the rows of two of his children)
    BlockingRule("same given name key and a shared household member", ("given_key", "household_names"),
                 ("household_names",)),
    _BOTH_ABROAD,
)

# Blocking for registers of millions: the bare name-key rule makes blocks of namesakes
# too large (a few dozen names cover half the people), so it is narrowed by sex and year.
BLOCKING_LARGE = (
    BlockingRule("same ID number", ("id_number",)),
    # counted on the large testbed (2.7 million mentions, estimates from a 5% sample):
    # region and birth date alone 22 million pairs, given and father's name key and birth
    # year 49 million, a shared part key and birth date 13 million, the coarse key and
    # birth year 162 million; each now carries one more column
    BlockingRule("same region and birth date in ID number and given name key", ("id_region_birth", "given_key")),
    BlockingRule("same given and father's name key and birth date", ("given_key", "father_key", "birth_date")),
    BlockingRule("same given and father's name key and village", ("given_key", "father_key", "village_key")),
    BlockingRule("same given name key and birth date", ("given_key", "birth_date")),
    BlockingRule("same coarse given and father's name key in some reading and village",
                 ("name_coarse_keys", "village_key"), ("name_coarse_keys",)),
    _BOTH_ABROAD,
)

LARGE_FRAME_ROWS = 300_000


def karez_model(n_rows: int = 0) -> ModelSpec:
    """The karez model: names across scripts, ID number, birth, sex, whereabouts, place,
    relatives."""
    return ModelSpec(
        name="karez",
        comparisons=(
            _name_comparison(),
            _name_comparison(across_scripts=True),
            _id_comparison(),
            _birth_comparison(),
            _birth_year_comparison(),
            _sex_comparison(),
            _whereabouts_comparison(),
            _place_comparison(),
            _relatives_comparison(),
        ),
        blocking=BLOCKING_LARGE if n_rows > LARGE_FRAME_ROWS else BLOCKING,
        em_rules=(
            # names agree exactly: estimates ID, birth, sex, place, relatives. In a register
            # of millions the namesakes of a common name alone make hundreds of millions of
            # pairs (the large testbed's run was killed at 20 GB in this pass), so there
            # the birth year is required too (the birth comparison is then trained by the
            # ID pass only).
            BlockingRule("same given and father's name", ("given_skeleton", "father_skeleton"))
            if n_rows <= LARGE_FRAME_ROWS
            else BlockingRule("same given and father's name and birth year",
                              ("given_skeleton", "father_skeleton", "birth_year")),
            # ID number agrees: estimates the names (and the rest again). Not the birth date:
            # in a county, thousands share one, and EM then learns that names do not matter.
            BlockingRule("same ID number", ("id_number",)),
            # village and birth year agree: estimates both name comparisons. The only pass
            # that trains the names across scripts: the ID pass never sees a Latin name
            # (testimonies carry no ID number), the name pass does not estimate names.
            BlockingRule("same village and birth year", ("village_key", "birth_year"))
            if n_rows <= LARGE_FRAME_ROWS
            else BlockingRule("same village, birth year and sex", ("village_key", "birth_year", "sex")),
        ),
        deterministic_rules=(
            "l.id_number = r.id_number",
            "l.given_skeleton = r.given_skeleton and l.father_skeleton = r.father_skeleton "
            "and l.birth_date = r.birth_date",
        ),
    )


def baseline_model(n_rows: int = 0) -> ModelSpec:
    """The baseline of the issue: plain Splink, its standard name comparison on the raw
    name strings, with the other fields compared as Splink's library does."""
    import splink.comparison_library as cl

    return ModelSpec(
        name="baseline",
        comparisons=(
            cl.NameComparison("name_raw"),
            cl.ExactMatch("id_number"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("sex"),
        ),
        blocking=(
            BlockingRule("same ID number", ("id_number",)),
            BlockingRule("same raw name", ("name_raw",)),
            BlockingRule("same birth date", ("birth_date",)),
        ),
        em_rules=(
            BlockingRule("same raw name", ("name_raw",)),
            BlockingRule("same birth date", ("birth_date",)),
        ),
        deterministic_rules=("l.id_number = r.id_number",),
    )
