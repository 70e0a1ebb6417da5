"""Conventions found in published spellings of public figures' names (the evaluation
set in benchmarks/data/names_dev.tsv), and the integrity of that set.

Each test names a convention the model got wrong before it was fixed, so the test fails
if the fix is undone.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from karez import names
from karez.names import latin

EVALUATION_SET = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "names_dev.tsv"


@pytest.mark.parametrize("word", ["Kasimi", "Qasimi", "Bekri", "Kerimi"])
def test_uyghur_spellings_that_happen_to_segment_into_pinyin_are_read_directly(word: str) -> None:
    # "Kasimi" segments as ka-si-mi, but no syllable betrays a Chinese transcription:
    # the spelling itself must stay the best reading
    assert not latin.looks_like_pinyin(word.lower())
    assert latin.latin_readings(word)[0][0] == latin.to_uly_spelling(latin.fold_latin(word))


@pytest.mark.parametrize(
    ("word", "reading"),
    [("Maimaiti", "memet"), ("Tuerxun", "tursun"), ("Tuniyazi", "tuniyaz"), ("Aisikaer", "eskar")],
)
def test_pinyin_of_transcriptions_is_still_recognised(word: str, reading: str) -> None:
    assert latin.looks_like_pinyin(word.lower())
    assert latin.latin_readings(word)[0][0] == reading


def test_kasimi_matches_its_han_transcription_better_than_a_pinyin_reading_would() -> None:
    score = names.similarity("阿合买提江·哈斯木", "Ahmetjan Kasimi")
    assert score >= 0.85
    assert score > names.similarity("阿合买提江·哈斯木", "Ahmetjan Qurban")


@pytest.mark.parametrize(("latin_form", "uly"), [("Abbasov", "abbasof"), ("Eliyev", "eliyef")])
def test_russian_surname_endings_are_the_uyghur_of_ef(latin_form: str, uly: str) -> None:
    assert latin.latin_readings(latin_form)[0][0] == uly


def test_russian_ending_decides_between_two_fathers_names() -> None:
    arabic = "تېيىپجان ئېلىيوف"  # Téyipjan Éliyof, as Uyghur script writes it
    assert names.similarity(arabic, "Teyipcan Eliyov") > names.similarity(arabic, "Teyipcan Tileshüp")


def test_isa_is_the_uyghur_eysa() -> None:
    assert names.similarity("ئەيسا يۈسۈپ ئالپتېكىن", "Isa Yusuf Alptekin") >= 0.9
    assert names.similarity("多里坤·艾沙", "Dolkun Isa") > names.similarity("多里坤·艾沙", "Dolkun Abbas")


def test_sha_is_read_as_sa_where_usage_writes_it_so() -> None:
    top = [reading for reading, _ in names.readings("沙比尔")[:6]]
    assert "sabir" in top


def _rows() -> list[dict[str, str]]:
    lines = [line for line in EVALUATION_SET.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_every_evaluation_row_names_its_source_pages() -> None:
    rows = _rows()
    assert len(rows) >= 150
    for row in rows:
        assert row["source"], row
        assert all(address.startswith("http") for address in row["source"].split()), row
        assert row["latin_kind"] in {"english", "uly", "turkish", "russian", "other", "pinyin"}, row


def test_every_person_has_a_cross_script_pair() -> None:
    people: dict[str, set[str]] = {}
    for row in _rows():
        if row["latin_kind"] != "pinyin":
            people.setdefault(row["person"], set()).update(k for k in ("han", "arabic") if row[k])
    assert people
    assert all(scripts for scripts in people.values())


def test_the_split_by_person_is_fixed() -> None:
    # the benchmark's split: a changed seed would silently expose the held-out half
    def half(person: str) -> str:
        return "held_out" if hashlib.sha256(f"karez-names-split-1:{person}".encode()).digest()[0] % 2 else "dev"

    people = sorted({row["person"] for row in _rows()})
    held_out = [person for person in people if half(person) == "held_out"]
    assert 0.3 < len(held_out) / len(people) < 0.7


def test_hejia_is_the_conventional_writing_of_xoja() -> None:
    assert names.readings("和加尼牙孜")[0][0] == "xojaniyaz"
    assert names.similarity("和加尼牙孜", "Khoja Niyaz") >= 0.9
