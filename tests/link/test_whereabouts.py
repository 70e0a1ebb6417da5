"""Where a record puts a person (abroad, in China, dead), and how the model compares it."""

from __future__ import annotations

import pandas as pd
import pytest

from karez.link.frame import build_frame
from karez.link.whereabouts import country_of, state_whereabouts, whereabouts

from .test_frame import _mentions
from .test_model import _level_of


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("在国外", "abroad"), ("境外", "abroad"), ("在土耳其", "abroad"), ("在土耳其工作", "abroad"),
        ("abroad", "abroad"), ("Türkiye'de", "abroad"), ("TÜRKİYE", "abroad"), ("Kazakistan'da", "abroad"),
        ("chet elde", "abroad"), ("چەتئەلدە", "abroad"),
        ("已故", "deceased"), ("去世", "deceased"), ("deceased", "deceased"), ("在押期间死亡", "deceased"),
        ("务农", "in_china"), ("在家", "in_china"), ("学生", "in_china"), ("在培训", "in_china"), ("已判刑", "in_china"),
        ("已结业", "in_china"), ("外出务工", "in_china"),
        # says nothing of where: unknown, lost (typical of someone who left), a placeholder
        ("不详", None), ("unknown", None), ("失联", None), ("下落不明", None), ("不在家", None), ("无", None),
        ("-", None), ("", None), ("  ", None), (None, None),
        # leaving or coming back: when is not said
        ("未出国", None), ("从国外返回", None), ("已出境", None),
        # abroad and dead in one condition
        ("在土耳其（已故）", None),
    ],
)
def test_a_stated_condition_says_where_the_person_was(state, expected):
    assert state_whereabouts(state) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Turkey", "Turkey"), ("Istanbul, Türkiye", "Turkey"), ("Almanya", "Germany"), ("München, Deutschland", "Germany"),
        ("Almaty, Kazakhstan", "Kazakhstan"), ("United States", "United States"), ("USA", "United States"),
        ("哈萨克斯坦阿拉木图", "Kazakhstan"), ("Netherlands", "Netherlands"),
        ("墨玉县奎牙镇亚朗1村52号", None), ("Aral 1-kent, Qaraqash", None), ("China", None), (None, None),
        # whole words only: a village or a name that contains a country's short form
        ("Qaraqash-uk 2-kent", None), ("Kanadakent", None), ("Almanya'da", "Germany"), ("Almaty", "Kazakhstan"),
    ],
)
def test_an_address_abroad_names_its_country(address, expected):
    assert country_of(address) == expected


def test_a_record_says_one_thing_or_nothing():
    assert whereabouts(["务农"], None, held=False) == "in_china"
    assert whereabouts([], "Turkey", held=False) == "abroad"
    assert whereabouts(None, None, held=True) == "in_china"  # held: in China when the record was made
    assert whereabouts(["已判刑"], None, held=True) == "in_china"
    # held, and now abroad (a former detainee testifying from Kazakhstan): two times, no one place
    assert whereabouts([], "Almaty, Kazakhstan", held=True) is None
    assert whereabouts(["在国外"], None, held=True) is None
    assert whereabouts(["在国外", "已故"], None, held=False) is None  # two conditions that disagree
    assert whereabouts(["务农"], "Turkey", held=False) is None
    assert whereabouts([], "墨玉县奎牙镇", held=False) is None  # a registered address at home says nothing
    assert whereabouts(["不详"], None, held=False) is None


def test_the_frame_reads_states_addresses_and_detentions():
    frame = build_frame(_mentions(
        states=[["在国外"], ["务农"], None, None, ["已故"], None],
        address=[None, None, "Kazakhstan", None, None, "墨玉县奎牙镇亚朗1村52号"],
        held=[False, False, False, True, False, False],
    ))
    said = [None if pd.isna(w) else w for w in frame["whereabouts"]]  # missing values are nulls
    assert said == ["abroad", "in_china", "abroad", "in_china", "deceased", None]


def test_the_frame_keeps_the_country_of_those_abroad_only():
    """A witness's country (its address) or a list's 在土耳其 (its stated condition) is kept
    for mentions the record puts abroad; a country next to a contradicting state is not."""
    frame = build_frame(_mentions(
        states=[["在土耳其"], ["在国外"], None, ["务农"], None, None],
        address=[None, None, "Almaty, Kazakhstan", "Turkey", "Istanbul", None],
        held=[False, False, False, False, True, False],
    ))
    countries = [None if pd.isna(c) else c for c in frame["country"]]
    # abroad with no country named; farming at home (two things said); held and abroad
    assert countries == ["Turkey", None, "Kazakhstan", None, None, None]


def test_two_namesakes_one_abroad_one_at_home_fall_in_the_level_against():
    from karez.link.model import _whereabouts_comparison

    pairs = pd.DataFrame({
        "whereabouts_l": ["abroad", "abroad", "in_china", "deceased", "deceased", "in_china", None, "abroad", "abroad"],
        "whereabouts_r": ["abroad", "in_china", "in_china", "deceased", "abroad", "deceased", "abroad", "abroad", "abroad"],
        "country_l": [None, None, None, None, None, None, None, "Turkey", "Turkey"],
        "country_r": [None, None, None, None, None, None, "Turkey", "Turkey", "Germany"],
    })
    both_abroad = "both abroad (the country not stated on both sides, or not the same)"
    assert _level_of(_whereabouts_comparison(), pairs) == [
        both_abroad,
        "one abroad, the other in China or dead",
        "both in China",
        "both dead",
        "one abroad, the other in China or dead",
        "else",  # one dead, the other alive in China: learnt apart (a death in custody)
        "not stated on both sides",
        "both abroad, in the same country",
        both_abroad,
    ]


def test_a_disagreement_on_whereabouts_is_never_weighed_as_near_impossible():
    """EM on the testbed finds no true pair whose records disagree; the weight against is
    bounded by the comparison's own floor, not the general one."""
    from karez.link.engine import M_FLOOR, floor_m_probabilities
    from karez.link.model import M_FLOORS

    def model(name):
        return {"comparisons": [{"output_column_name": name, "comparison_levels": [
            {"is_null_level": True}, {"m_probability": 0.98}, {"m_probability": 0.02}, {"m_probability": 1e-9}]}]}

    levels = floor_m_probabilities(model("whereabouts"))["comparisons"][0]["comparison_levels"]
    assert levels[3]["m_probability"] == pytest.approx(M_FLOORS["whereabouts"] / 1.01)
    assert sum(level["m_probability"] for level in levels[1:]) == pytest.approx(1.0)
    other = floor_m_probabilities(model("sex"))["comparisons"][0]["comparison_levels"]
    assert other[3]["m_probability"] == pytest.approx(M_FLOOR / 1.001)


FAMILY_LIST = """姓名,性别,村,收押时间,家庭成员
阿不都热依木·吐尔逊,男,苏盖提2村,2017年5月,哥哥：买买提·吐尔逊，在国外；父亲：吐尔逊·艾力，已故；妹妹：古丽·吐尔逊，务农
"""

FAMILY_MAPPING = """karez_mapping: 1
name: synthetic list with a family cell (whereabouts test)
source: {format: csv, encoding: utf-8}
persons:
  - role: subject
    key: subject
    fields:
      name: {column: 姓名}
      sex: {column: 性别, values: {男: M, 女: F}}
      village: {column: 村}
  - role: relative
    key: family
    from_cell:
      column: 家庭成员
      split: "[；;]"
      pattern: "(?P<relationship>[^：:]+)[：:](?P<name>[^，,]+)[，,]?(?P<status>.*)"
    relation_to: subject
events:
  - {type: detention, person: subject, date: {column: 收押时间}}
"""


def test_an_ingested_family_cell_gives_each_relative_its_whereabouts_and_the_card_shows_why(tmp_path):
    """From the store, as linkage reads it: the relative marked 在国外 is abroad, 已故 dead,
    务农 in China; the internee, held, in China. The review card shows the condition as
    written next to the reading."""
    from karez.custody import Case
    from karez.link.frame import load_mentions
    from karez.link.review import mention_card

    data, mapping = tmp_path / "list.csv", tmp_path / "list.mapping.yaml"
    data.write_text(FAMILY_LIST, encoding="utf-8")
    mapping.write_text(FAMILY_MAPPING, encoding="utf-8")
    with Case.init(tmp_path / "case") as case:
        source = case.add(data, note="SYNTHETIC whereabouts test: fictional people")
        case.ingest(source.source_id, mapping)
        frame = build_frame(load_mentions(case))
        said = dict(zip(frame["name"], frame["whereabouts"], strict=True))
        assert said == {"阿不都热依木·吐尔逊": "in_china", "买买提·吐尔逊": "abroad", "吐尔逊·艾力": "deceased",
                        "古丽·吐尔逊": "in_china"}
        brother = frame.loc[frame["name"] == "买买提·吐尔逊", "mention_id"].item()
        card = mention_card(case, brother)
    assert card["conditions"] == ["在国外"] and card["whereabouts"] == "abroad"
