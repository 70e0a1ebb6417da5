"""The linkage frame: columns that make cross-script comparison plain SQL."""

from __future__ import annotations

import pandas as pd
import pytest

from karez.link.frame import NothingToLinkError, build_frame, place_skeleton

from .conftest import id_number


def _mentions(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "mention_id": [f"men-{i}" for i in range(n)],
        "source_id": ["src-a"] * n,
        "record_id": [f"rec-{i}" for i in range(n)],
        "role": ["subject"] * n,
        "name": ["买买提·吐尔逊"] * n,
        "id_number": [None] * n,
        "birth_date": [None] * n,
        "birth_date_precision": [None] * n,
        "age": [None] * n,
        "age_kind": [None] * n,
        "sex": [None] * n,
        "township": [None] * n,
        "village": [None] * n,
        "father_rel": [None] * n,
        "spouse_rel": [None] * n,
        "record_year": [None] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_place_names_in_two_scripts_share_a_key():
    assert place_skeleton("苏盖提2村") == place_skeleton("Söget 2-kent, Qaraqash")
    assert place_skeleton("吾斯塘1村") == place_skeleton("Östeng 1-kent")
    assert place_skeleton("吾斯塘1村") != place_skeleton("吾斯塘2村")
    assert place_skeleton("村") is None


def test_birth_date_and_sex_come_from_the_id_number_when_not_stated():
    frame = build_frame(_mentions(id_number=[id_number("1970-03-05", 13), id_number("1981-11-02", 12)]))
    assert list(frame["birth_date"]) == ["1970-03-05", "1981-11-02"]
    assert list(frame["sex"]) == ["M", "F"]  # odd 17th digit: male
    assert list(frame["id_region_birth"]) == ["65322219700305", "65322219811102"]


def test_a_stated_age_gives_an_approximate_birth_year():
    frame = build_frame(_mentions(age=[40, 40], age_kind=["full", "nominal"], record_year=[2018, 2018]))
    assert list(frame["birth_year"]) == [1977, 1978]
    assert frame["birth_date"].isna().all()


def test_day_and_month_swapped_is_precomputed():
    frame = build_frame(_mentions(birth_date=["1970-03-05", "1970-03-25"], birth_date_precision=["day", "day"]))
    assert frame.loc[0, "birth_date_swapped"] == "1970-05-03"
    assert pd.isna(frame.loc[1, "birth_date_swapped"])  # 25 cannot be a month


def test_household_names_list_the_other_people_of_the_record():
    mentions = _mentions(name=["买买提·吐尔逊", "吐尔逊·艾力", "Memet Tursun"], record_id=["r1", "r1", "r2"])
    frame = build_frame(mentions)
    assert frame.loc[0, "household_names"] is not None and len(frame.loc[0, "household_names"]) == 1
    assert frame.loc[2, "household_names"] is None
    # the same name in Chinese characters and Latin letters gives the same keys
    assert frame.loc[0, "given_key"] == frame.loc[2, "given_key"]


def test_an_empty_case_is_an_error_that_says_what_to_do():
    with pytest.raises(NothingToLinkError, match="ingest sources first"):
        build_frame(_mentions(name=[]))


def test_a_testimony_s_latin_spelling_is_a_candidate_for_the_machine_read_characters():
    """亚辛江 is read 'yashinjan' first, 买合木提·波拉提 'bolat'; relatives abroad write
    Yasinjan and Polat. The plain name keys differ, so before the coarse keys of every
    ranked reading these pairs were never compared (testimony blocking recall 0.67)."""
    from karez.link.engine import get_engine
    from karez.link.model import BLOCKING

    frame = build_frame(
        _mentions(
            source_id=["src-list", "src-testimony", "src-list", "src-testimony", "src-list"],
            name=["亚辛江·阿不都沙拉木", "Yasinjan Abdusalam", "买合木提·波拉提", "Mehmut Polat", "亚森·买买提"],
            birth_date=["1971-04-02", "1972-01-01", "1989-05-06", "1990-01-01", "1971-04-02"],
            birth_date_precision=["day", "year", "day", "year", "day"],
        )
    )
    plain = tuple(rule for rule in BLOCKING if "coarse" not in rule.columns[0])
    pairs = pd.DataFrame({"mention_id_l": ["men-0", "men-2", "men-1"], "mention_id_r": ["men-1", "men-3", "men-4"]})
    engine = get_engine("duckdb")
    assert not engine.pairs_blocked(frame, plain, pairs).any()
    assert engine.pairs_blocked(frame, BLOCKING, pairs).tolist() == [True, True, False]


def test_a_level_no_match_reached_does_not_veto_the_others():
    """A level without m (no training pair reached it) used to stop the floor for its
    whole comparison, leaving 'same township' at m = 0, a -58-bit veto."""
    from karez.link.engine import M_FLOOR, floor_m_probabilities

    model = {"comparisons": [{"comparison_levels": [
        {"is_null_level": True},
        {"m_probability": 0.99},
        {"m_probability": None},
        {"m_probability": 1e-18},
        {"m_probability": 0.01},
    ]}]}
    levels = floor_m_probabilities(model)["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] is None
    assert levels[3]["m_probability"] >= M_FLOOR / 1.01
    assert abs(sum(level["m_probability"] for level in levels[1:] if level.get("m_probability")) - 1.0) < 1e-9


def test_household_names_agree_across_scripts():
    """A witness abroad writes "Tursun Sabir"; the list writes 吐尔逊·沙比尔, read
    "tursun shabir". The plain consonant keys keep s and sh apart; the household keys
    (coarse, one per person) agree, so the two records are seen to name the same person."""
    mentions = _mentions(
        name=["买买提·吐尔逊", "吐尔逊·沙比尔", "Memet Tursun", "Tursun Sabir"],
        record_id=["r1", "r1", "r2", "r2"],
    )
    frame = build_frame(mentions)
    assert frame.loc[1, "father_key"] != frame.loc[3, "father_key"]
    assert frame.loc[0, "household_names"] == frame.loc[2, "household_names"]
    assert len(frame.loc[0, "household_names"]) == 1


def test_the_county_is_read_from_addresses_villages_and_townships():
    from karez.link.frame import county_of

    assert county_of("墨玉县奎牙镇塔木7村83号") == "karakax"
    assert county_of("洛浦县23村193号") == "lop"
    assert county_of("Yalang 2-kent, Qaraqash") == "karakax"
    assert county_of("扎瓦镇") == "karakax"  # a township the gazetteer places in Karakax
    assert county_of("喀尔墩1村") is None  # a village alone names no county
    assert county_of("Turkey") is None
    frame = build_frame(_mentions(village=["Yalang 2-kent, Qaraqash", "阿热勒1村"], township=[None, "扎瓦镇"]))
    assert list(frame["county"]) == ["karakax", "karakax"]


def test_the_frequency_adjustment_of_a_level_never_raises_its_weight():
    from karez.link.engine import only_common_values_weigh_less

    model = {"comparisons": [{"comparison_levels": [
        {"is_null_level": True},
        {"m_probability": 0.8, "u_probability": 0.001, "tf_adjustment_column": "name_skeleton"},
        {"m_probability": 0.2, "u_probability": 0.999},
    ]}]}
    levels = only_common_values_weigh_less(model)["comparisons"][0]["comparison_levels"]
    assert levels[1]["tf_minimum_u_value"] == 0.001
    assert "tf_minimum_u_value" not in levels[2]
