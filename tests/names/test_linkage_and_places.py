"""Names in linkage (real Splink on a DuckDB file) and place names across scripts."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from karez.errors import KarezError
from karez.names.places import gazetteer, lookup_place, place_similarity
from karez.names.splink import NAME_COLUMNS, blocking_rules, name_columns, name_comparison

PEOPLE = pd.DataFrame(
    {
        "unique_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "name": [
            "买买提·吐尔逊",
            "Mehmet Tursun",
            "艾尔肯·吐尼亚孜",
            "Erkin Tuniyaz",
            "Tursun Memet",
            "迪丽热巴·迪力木拉提",
            "Dilraba Dilmurat",
            None,
        ],
        "birth_year": [1970, 1970, 1965, 1965, 1970, 1992, 1992, 1980],
    }
)


def test_name_columns_are_script_independent_and_cached_per_string() -> None:
    out = name_columns(PEOPLE)
    assert set(NAME_COLUMNS) <= set(out.columns)
    han, latin = out.iloc[0], out.iloc[1]
    assert han["given_skeleton"] == latin["given_skeleton"]
    assert han["father_key"] == latin["father_key"] == "trsn"
    assert bool(han["name_is_reading"]) and not bool(latin["name_is_reading"])
    missing = out.iloc[7]
    assert pd.isna(missing["given_uly"]) and list(missing["name_keys"]) == []
    assert len(out) == len(PEOPLE) and "name" in out.columns  # the input is kept


def test_name_columns_names_the_missing_column() -> None:
    with pytest.raises(KarezError, match="no column 'full_name'"):
        name_columns(PEOPLE, column="full_name")


def test_splink_links_across_scripts_on_duckdb(tmp_path) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator

    connection = duckdb.connect(str(tmp_path / "link.duckdb"))
    api = DuckDBAPI(connection=connection)
    table = api.register(name_columns(PEOPLE), table_name="people")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[name_comparison(), cl.ExactMatch("birth_year")],
        blocking_rules_to_generate_predictions=blocking_rules(),
    )
    linker = Linker(table, settings, log_level=40)
    predictions = linker.inference.predict().as_pandas_dataframe()
    pairs = {
        (int(row.unique_id_l), int(row.unique_id_r)): int(row.gamma_name)
        for row in predictions.itertuples()
    }
    # the blocking rules bring every cross-script pair of one person together ...
    assert {(1, 2), (3, 4), (6, 7), (1, 5)} <= set(pairs)
    # ... and no pair of different people with no name part in common
    assert (1, 3) not in pairs and (3, 6) not in pairs
    levels = {pair: gamma for pair, gamma in pairs.items()}
    assert levels[(1, 2)] == 5  # same given and father skeletons
    assert levels[(1, 5)] == 3  # the same parts, swapped
    weights = predictions.set_index(["unique_id_l", "unique_id_r"])["match_weight"]
    assert weights.loc[(1, 2)] > weights.loc[(1, 5)]


@pytest.mark.parametrize(
    "written",
    ["墨玉县", "墨玉", "Karakax", "Karakash", "Qaraqash", "Moyu County", "قاراقاش", "Moyu Xian"],
)
def test_karakax_in_every_script(written: str) -> None:
    place = lookup_place(written)
    assert place is not None and place.id == "karakax"


def test_place_similarity_and_gazetteer() -> None:
    assert place_similarity("墨玉县", "Karakax") == 1.0
    assert place_similarity("墨玉县", "Keriya") == 0.0
    assert place_similarity("于田县", "Keriya County") == 1.0
    assert lookup_place("Atlantis") is None
    counties = [p for p in gazetteer() if p.kind == "county"]
    assert len(counties) == 7
    assert all(p.parent == "karakax" for p in gazetteer() if p.kind in ("town", "township"))
