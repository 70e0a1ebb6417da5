"""Round 8: three conventions seen on the misses of the development material (names_test5.tsv
is development material since round 8), and what a one-part name may and may not prefer.

Five of the nine tests fail on the round-7 model and benchmark (the code as of commits 8452ec7
and 2395fca): 哈 as q, the Turkish and Russian forms of Muhammad, the official English forms'
Abudu-/Abuli-, and names_test5.tsv as development material; the other four guard behaviour
round 8 examined and kept (哈 stays h and x first; one-part names: ties stay ties, an absent
part and the given position are preferred). The benchmark's refusal of a test set that shares a
person with names_test5.tsv is one case of round 9's test over every development set.
Names are plain name stock with no person behind it, or published names of public figures from the
development material (names_dev.tsv, names_test2/3/4/5.tsv). Never from names_test6.tsv.
"""

from __future__ import annotations

from types import ModuleType

from karez import names
from karez.names import compare


def test_ha_may_write_the_uvular_q() -> None:
    # Chinese writes the Turkic uvular q before a with 哈 as well as 卡/喀 (哈萨克 Qazaq,
    # 哈斯木 Qasim: Ehmetjan Qasimi, names_dev.tsv); the reading is an option of the
    # lattice, not the reading shown
    assert names.similarity("哈斯木", "Qasim") > 0.93
    assert names.similarity("哈斯木", "Kasim") > 0.93
    assert names.parse("哈斯木").uly.startswith(("x", "h"))
    # and it ranks Qasim above the other name Hashim, which 哈斯木 also resembles
    assert names.similarity("哈斯木", "Kasim") > names.similarity("哈斯木", "Hashim")


def test_ha_stays_h_and_x_first() -> None:
    # the h and x readings keep their place: Haji, Halmurat, Xalmurat are not lowered
    assert names.similarity("哈吉", "Haji") > 0.99
    assert names.similarity("哈力姆拉提", "Halmurat") > 0.96
    assert compare.skeleton(names.parse("哈力克").uly).startswith("H")


def test_the_turkish_and_russian_forms_of_muhammad() -> None:
    # Turkish and Turkmen write Muhammet (the final d devoiced, as Uyghur does), Russian
    # records Mukhammed / Mukhamed: the same name as Memet, 买买提, مەمەت
    assert names.similarity("吐爾·買買提", "Tur Muhammet") > 0.99
    assert names.similarity("买买提", "Muhammet") > 0.99
    assert names.similarity("مەمەت", "Mukhammed") > 0.99
    assert names.similarity("مۇھەممەت", "Muhammet") > 0.97
    # the spelling as printed still decides between two spellings of the one name
    assert names.similarity("Muhammet", "Muhammet") > names.similarity("Muhammet", "Memet")


def test_a_one_part_name_ties_with_every_candidate_that_shares_its_part() -> None:
    # 古力巴哈 (a given name alone) says nothing about the father's name: two candidates
    # that differ only there must score alike (round 8 examined a preference by position
    # or by what the other part is, and kept none: see docs/names.md, Round 8)
    assert names.similarity("古力巴哈", "Gulbahar Jalilova") == names.similarity("古力巴哈", "Gulbahar Abdurusul")
    assert names.similarity("哈木提", "Hamut Mehmut") == names.similarity("哈木提", "Hamut Abbas")


def test_a_one_part_name_prefers_the_candidate_that_has_only_that_part() -> None:
    # a candidate with no second part is not contradicted anywhere; one with a second part
    # costs the part only one name has (7 %)
    assert names.similarity("古力巴哈", "Gulbahar") > names.similarity("古力巴哈", "Gulbahar Jalilova")


def test_a_one_part_name_prefers_the_given_position() -> None:
    # a name printed alone is first the given name: in place it beats the same part as a
    # father's name (out of order, 3 %)
    assert names.similarity("古力巴哈", "Gulbahar Jalilova") > names.similarity("古力巴哈", "Jalilova Gulbahar")


def test_official_english_forms_keep_the_vowel_of_abdu_and_abli() -> None:
    # the PRC's official English forms are made from the transcription and keep the u that
    # 不/布/卜 write: Abudureyim, Abudulrekep, Abulimit (names_dev.tsv, names_test5.tsv)
    assert names.similarity("阿不都热依木", "Abudureyim") > 0.93
    assert names.similarity("阿布力米提", "Abulimit") > 0.93
    # weakly: the Uyghur forms stay the readings shown and the keys do not move
    assert names.parse("阿布力米提").uly == "ablimit"
    assert names.parse("阿不都热依木").uly.startswith("abdu")
    assert names.keys("阿布力米提") == ["p:brmt"]
    assert names.similarity("阿布力米提", "Ablimit") > names.similarity("阿布力米提", "Abulimit")


def test_the_benchmark_counts_names_test5_as_development_material(bench: ModuleType) -> None:
    assert bench.DEVELOPMENT_FILES["test5"].name == "names_test5.tsv"
    assert "test5" in bench.DEVELOPMENT_LABELS
    # round 8's fresh set, names_test6.tsv, is development material since round 9 (see
    # test_round9_conventions.py for the default test set)
    assert bench.TEST_SET_FRESH.name != "names_test6.tsv"
