"""Behaviour of karez.names: scripts, separators, conversion, round-trips, similarity, keys."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from karez import names
from karez.errors import KarezError
from karez.names import alphabet
from karez.names.scripts import clean, detect_script

MEMET_TURSUN_WRITINGS = [
    "买买提·吐尔逊",
    "麦麦提.图尔荪",
    "买买提吐尔逊",
    "Memet Tursun",
    "Mehmet Tursun",
    "Muhammad Tursun",
    "Maimaiti Tuerxun",
    "مەمەت تۇرسۇن",
    "Мәмәт Турсун",
]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("买买提·吐尔逊", "han"),
        ("مەمەت تۇرسۇن", "arabic"),
        ("Memet Tursun", "latin"),
        ("Мәмәт Турсун", "cyrillic"),
        ("买买提 Tursun", "mixed"),
        ("  ", "empty"),
    ],
)
def test_detects_each_script(text: str, script: str) -> None:
    assert detect_script(text) == script
    assert names.parse(text).script == script


@pytest.mark.parametrize(
    "separator",
    ["\u00b7", ".", "•", "・", "．", "‧", "-", " ", "\u3000", "－", "･", "∙", "⋅", "。", ""],
)
def test_every_separator_splits_a_han_name(separator: str) -> None:
    parsed = names.parse(f"买买提{separator}吐尔逊")
    assert parsed.parts == ("买买提", "吐尔逊")
    assert parsed.given == "买买提" and parsed.father == "吐尔逊"
    assert parsed.normalised == "买买提·吐尔逊"
    assert parsed.uly == "memet tursun"


def test_three_parts_give_a_grandfather() -> None:
    parsed = names.parse("艾尔肯·吐尼亚孜·买买提")
    assert parsed.grandfather == "买买提"
    assert parsed.uly_parts == ("erkin", "tuniyaz", "memet")  # 肯: Mandarin has no kin


def test_a_short_han_name_is_not_cut() -> None:
    assert names.parse("阿依古丽").parts == ("阿依古丽",)


def test_dotless_han_segmentation() -> None:
    assert names.segment_han("迪丽热巴迪力木拉提") == ("迪丽热巴", "迪力木拉提")
    assert names.segment_han("阿不都热依木买买提") == ("阿不都热依木", "买买提")


def test_cleaning_removes_invisible_characters_and_presentation_forms() -> None:
    assert clean("Me\u200bmet\u00adTursun") == "MemetTursun"
    # Arabic presentation forms and a tatweel read like the plain letters
    plain = "مەمەت"
    assert names.to_uly("ﻣەﻣەت") == names.to_uly(plain) == "memet"
    assert names.to_uly("مـەمـەت") == "memet"
    # a Persian keyboard's keheh and heh stand for Uyghur kaf and e
    assert alphabet.arabic_to_uly("ئەرکىن") == "erkin"
    assert alphabet.arabic_to_uly("ئهركىن") == "erkin"


def test_latin_normalisation_of_turkish_and_diacritics() -> None:
    assert names.to_uly("Şöhret Zakir") == "shöhret zakir"
    assert names.to_uly("MEMET TURSUN") == "memet tursun"
    assert names.to_uly("Abdukhaliq") == "abduxaliq"
    assert names.similarity("Abdurrahman", "Abdurahman") > 0.95  # doubled letters


def test_cyrillic_with_latin_lookalikes() -> None:
    # 'Шɵһрəт' mixes Latin look-alike letters into Cyrillic, as published pages do
    assert names.to_uly("Шɵһрəт Закир") == "shöhret zakir"
    assert names.to_uly("Мәмәт Турсун") == "memet tursun"


@pytest.mark.parametrize("text", MEMET_TURSUN_WRITINGS)
def test_documented_examples_are_one_name(text: str) -> None:
    assert names.to_uly(text) == "memet tursun"
    assert names.similarity("买买提·吐尔逊", text) >= 0.95
    assert "gf:mmt|trs" in names.keys(text)


def test_swapped_and_missing_parts() -> None:
    assert 0.9 <= names.similarity("买买提·吐尔逊", "Tursun Memet") < 1.0
    detail = names.compare_parts("买买提·吐尔逊", "Tursun Memet")
    assert detail["swapped"] is True and detail["given"] == 1.0
    assert 0.85 <= names.similarity("买买提·吐尔逊", "Memet") < 1.0


def test_different_people_score_low() -> None:
    assert names.similarity("买买提·吐尔逊", "Erkin Tuniyaz") < 0.6
    assert names.similarity("艾尔肯·吐尼亚孜", "Erkin Tuniyaz") > 0.9
    assert names.similarity("买买提·吐尔逊", "") == 0.0


def test_father_weighs_more_than_grandfather() -> None:
    base = "Erkin Tuniyaz Memet"
    other_father = names.similarity(base, "Erkin Dilmurat Memet")
    other_grandfather = names.similarity(base, "Erkin Tuniyaz Dilmurat")
    assert other_father < other_grandfather


@pytest.mark.parametrize(
    ("han", "expected"),
    [
        ("古丽", "gül"),
        ("阿不都热合曼", "abdurehman"),
        ("阿卜杜热合曼", "abdurehman"),
        ("努尔江", "nurjan"),
        ("玉素甫", "yüsüp"),
        ("吐尔逊", "tursun"),
        ("阿依古丽", "ayigül"),
    ],
)
def test_han_conventions(han: str, expected: str) -> None:
    assert names.to_uly(han) == expected


def test_readings_are_ranked_and_labelled() -> None:
    found = names.readings("迪力木拉提")
    assert found[0][1] == 1.0
    assert [w for _, w in found] == sorted((w for _, w in found), reverse=True)
    assert "dilmurat" in {reading for reading, _ in found} or any(
        names.skeleton(r) == names.skeleton("dilimurat") for r, _ in found
    )
    assert names.parse("迪力木拉提").is_reading
    assert not names.parse("مەمەت").is_reading


@pytest.mark.parametrize("uly", ["memet tursun", "shöhret zakir", "abdureyim", "ayshe", "nurbekri"])
def test_round_trips_between_alphabets(uly: str) -> None:
    arabic = names.uly_to_arabic(uly)
    cyrillic = names.uly_to_cyrillic(uly)
    assert names.arabic_to_uly(arabic) == uly
    assert names.cyrillic_to_uly(cyrillic) == uly
    assert names.to_uly(arabic) == uly and names.to_uly(cyrillic) == uly


def test_arabic_writes_the_hamza_carrier_before_initial_vowels() -> None:
    assert names.uly_to_arabic("erkin") == "ئەركىن"
    assert names.uly_to_cyrillic("yusup") == "юсуп"
    assert names.to_arabic("买买提·吐尔逊") == "مەمەت تۇرسۇن"
    assert names.to_cyrillic("Memet Tursun") == "мәмәт турсун"


_ULY_WORD = st.lists(
    st.sampled_from(
        ["a", "e", "i", "o", "u", "ö", "ü", "é", "b", "d", "t", "r", "s", "sh", "ch", "gh",
         "q", "k", "m", "n", "l", "y", "j", "x", "z", "p", "h", "w"]
    ),
    min_size=1,
    max_size=10,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_ULY_WORD)
def test_any_uly_word_round_trips_through_arabic_and_cyrillic(word: str) -> None:
    assert names.arabic_to_uly(names.uly_to_arabic(word)).replace("'", "") == word.replace("'", "")
    assert names.cyrillic_to_uly(names.uly_to_cyrillic(word)).replace("'", "") == word


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_similarity_is_bounded_and_symmetric_on_any_text(text: str) -> None:
    score = names.similarity(text, "Memet Tursun")
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(names.similarity("Memet Tursun", text), abs=1e-6)
    assert isinstance(names.keys(text), list)


def test_keys_are_shared_across_scripts_and_differ_between_people() -> None:
    assert set(names.keys("买买提·吐尔逊")) & set(names.keys("مەمەت تۇرسۇن"))
    assert not set(names.keys("买买提·吐尔逊")) & set(names.keys("Erkin Tuniyaz"))


def test_convert_refuses_unknown_target() -> None:
    with pytest.raises(KarezError, match="uly, arabic, cyrillic"):
        names.convert("Memet", "latin")
    with pytest.raises(KarezError, match="nothing in"):
        names.convert("123", "uly")


def _karez(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from karez.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_compare_prints_json_score() -> None:
    result = _karez("names", "compare", "买买提·吐尔逊", "Mehmet Tursun", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["score"] >= 0.95


def test_cli_convert_labels_readings_and_rejects_bad_target() -> None:
    result = _karez("names", "convert", "买买提·吐尔逊", "--to", "arabic", "--json")
    payload = json.loads(result.stdout)
    assert payload["result"] == "مەمەت تۇرسۇن" and payload["is_reading"] is True
    bad = _karez("names", "convert", "Memet", "--to", "latin")
    assert bad.returncode == 1 and "uly, arabic, cyrillic" in bad.stderr


def test_keys_returns_a_fresh_list_each_time() -> None:
    found = names.keys("Memet Tursun")
    found.append("changed")
    assert "changed" not in names.keys("Memet Tursun")


def test_traditional_characters_and_uyy_letters() -> None:
    assert names.to_uly("阿合買提江•哈斯木") == names.to_uly("阿合买提江·哈斯木")
    assert names.to_uly("Əhmətjan Ⱪasimi") == "ehmetjan qasimi"
    assert names.to_uly("Ilⱨam Tohti") == "ilham tohti"
