"""Round 7: a Han part read towards the other spelling, and four transcription conventions.

Twelve of the fourteen tests fail on the round-6 model (the code as of commit 1e97db3); the
other two guard what must not change (the discount by weight, the blocking keys). Names are
plain name stock with no person behind it, or published names of public figures from the
development material (names_dev.tsv, names_test2/3/4.tsv). Never from names_test5.tsv.
"""

from __future__ import annotations

from karez import names
from karez.names import compare, han


def test_a_han_part_is_read_towards_a_latin_spelling_the_model_allows() -> None:
    # 沙布里: the best reading is shabri (沙 sha); the syllable model also allows sa, a
    # little less likely (沙 writes Sa- in Sabri, Sabit, Abdusalam). Against the spelling
    # Sabri that reading counts, by its weight, without becoming the reading shown.
    assert names.parse("沙布里").uly.startswith("sha")
    assert names.similarity("沙布里", "Sabri") > 0.96
    # 日 as the coda r (Mehrigül), 勒 as the coda l (Rahile): options below the top three
    assert names.similarity("美合日古丽", "Mehrigül") > 0.93
    assert names.similarity("拉希勒", "Rahile") > 0.93


def test_a_reading_towards_the_other_spelling_is_discounted_by_its_weight() -> None:
    # the best reading matches exactly; a less likely one matches less than 0.99
    assert names.similarity("沙布里", "Shabri") > names.similarity("沙布里", "Sabri")
    assert names.similarity("沙布里", "Sabri") < 0.99


def test_the_lattice_holds_each_skeleton_once_with_its_best_weight() -> None:
    found = compare.lattice_skeletons("伊力哈木")
    skeletons = [folded for folded, _weight in found]
    assert len(skeletons) == len(set(skeletons))
    assert skeletons[0] == compare.skeleton(names.parse("伊力哈木").uly)
    assert all(0.3 <= weight <= 1.0 for _folded, weight in found)
    assert compare.skeleton("ilham") in skeletons


def test_a_reading_towards_the_other_spelling_does_not_lift_a_distant_name() -> None:
    # the aligned comparison counts only where it finds a close match (0.8 or better):
    # the lattice's nearest reading of 伊力哈木 to Osman is no evidence of anything
    osman = names.parse("Osman").readings[0]
    nearest = compare._skeletons_similarity(compare.lattice_skeletons("伊力哈木"), compare.distinct_skeletons(osman))
    assert 0.0 < nearest < 0.8
    assert compare._aligned_similarity("伊力哈木", osman) == 0.0


def test_qi_writes_zi_in_names_of_arabic_origin() -> None:
    # Xinhua's Arabic and Persian tables write z + i as 齐: 阿齐兹 Aziz, 齐亚 Ziya
    assert names.similarity("阿齐兹", "Aziz") > 0.95
    assert names.similarity("齐亚", "Ziya") > 0.95


def test_initial_ao_writes_o() -> None:
    assert names.parse("奥斯曼").uly == "osman"
    assert names.parse("奥米尔").uly == "omir"


def test_shi_is_read_shi_in_names() -> None:
    # pypinyin's first reading of 什 is shen (什么); 喀什 is Qeshqer, 卡拉什 Karash
    assert han.char_pinyin("什") == "shi"
    assert names.similarity("卡拉什", "Karash") > 0.97


def test_medial_yi_may_write_hi() -> None:
    # Mandarin has no syllable hi: 塔依尔 Tahir, 穆依提 Muhiti
    assert names.similarity("塔依尔", "Tahir") > 0.94
    assert names.similarity("穆依提", "Muhit") > 0.94


def test_abdul_sequences_with_bu_written_three_ways_read_alike() -> None:
    # 不, 布 and 卜 all write bu in these sequences (阿不都 / 阿布都 / 阿卜杜): 阿布力 and 阿卜力
    # are read as 阿不力 is, abli or the article's abdul
    assert han.part_readings("阿布力孜")[:2] == han.part_readings("阿不力孜")[:2]
    assert names.similarity("阿布力克木", "Abdulkerim") > 0.8


def test_keys_come_from_the_best_readings_only() -> None:
    # the lattice is for comparison only: blocking keys stay those of the two best
    # readings (sa of 沙 is no key of 沙布里), so keys() costs what it cost
    assert names.keys("沙布里") == ["p:Sbr"]
    assert "gf:mmt|trs" in names.keys("买买提·吐尔逊")


def test_a_fifth_part_is_compared_too() -> None:
    # Latin forms with hyphenated particles have five parts (Zahir al-Din Muhammad Babur);
    # the round-6 model compared the first four only, so Babur was never matched
    assert names.similarity("巴布尔", "Zahir al-Din Muhammad Babur") > 0.75
    assert names.similarity("巴布尔", "Zahir al-Din Muhammad Babur") > names.similarity(
        "巴布尔", "Zahir al-Din Muhammad Batur"
    )


def test_le_is_the_bare_l() -> None:
    # pypinyin reads 勒 lei (to tie); the transcription tables of foreign names use it for
    # an l without a vowel: 阿卜杜勒 Abdul-, and 勒拉 the geminate of Hidayatulla
    assert han.char_pinyin("勒") == "le"
    assert names.similarity("阿卜杜勒", "Abdul") > 0.99
    assert names.similarity("伊達雅圖勒拉", "Hidayat Allah") > names.similarity(
        "伊達雅圖勒拉", "Hidayat Nurillah"
    )


def test_palatal_ji_and_jia_may_write_k_and_gh() -> None:
    # Mandarin has no ki, gi, gha: the tables write them 基, 吉, 加 (哈基姆 Hakim, 加尼 Ghani);
    # PRC usage writes Ghappar 加帕尔 as it writes Japar
    assert names.similarity("哈基姆", "Hakim") > 0.9
    assert names.similarity("加帕尔", "Ghappar") > 0.9
    assert names.similarity("加帕尔", "Japar") > names.similarity("加帕尔", "Ghappar")


def test_a_dotless_name_is_not_cut_right_after_abdu() -> None:
    # Abdu-, Abdul- ("servant of") never stands alone; a name in Abdul- written as the
    # tables write foreign names runs to seven characters and stays one part
    assert names.segment_han("阿卜杜勒加帕尔") == ("阿卜杜勒加帕尔",)
    assert names.segment_han("阿卜杜勒哈基姆") == ("阿卜杜勒哈基姆",)
    # two names still part where they did
    assert names.segment_han("阿不都热依木买买提") == ("阿不都热依木", "买买提")
    assert names.segment_han("阿不都沙拉木阿不都热西提") == ("阿不都沙拉木", "阿不都热西提")
    assert names.similarity("阿卜杜勒加帕尔", "Abdughapar Abdurusul") > names.similarity(
        "阿卜杜勒加帕尔", "Abdurehim Ghappar"
    )
