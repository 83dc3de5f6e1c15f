"""Programme mentions in news text (etl/programmes/cues.py), on short sentences of our own."""
from __future__ import annotations

from etl.programmes.cues import HOME, any_cue, find_cues, mentions, split_sentences

KOOKMIN, DCU, WUT, LODZ, NUS, UTS = 1, 2, 3, 4, 5, 6
FORMS = {KOOKMIN: ["Kookmin University", "国民大学"], DCU: ["Dublin City University", "DCU", "都柏林城市大学"],
         WUT: ["Warsaw University of Technology", "WUT", "华沙理工大学"], LODZ: ["Lodz University of Technology"],
         NUS: ["National University of Singapore", "NUS", "新加坡国立大学"], UTS: ["University of Technology Sydney", "UTS"]}


def found(text: str, lang: str = "en", partners=None) -> set[tuple]:
    ms = mentions(text, lang, partners or FORMS)
    return {(m.partner, m.kind, m.variant, m.mode, m.level) for m in ms}


def test_sentences_keep_abbreviations_and_offsets():
    text = "Title line\n\nProf. Li met Dr. Wang. They signed.\n"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["Title line", "Prof. Li met Dr. Wang.", "They signed."]
    assert all(text[s.start:s.end].strip() == s.text for s in sents)


def test_a_partner_takes_the_cue_nearest_to_it():
    text = "Students can join the summer school at NUS and a semester exchange at Kookmin University this year."
    assert found(text) == {(NUS, "summer_school", "summer", None, None), (KOOKMIN, "exchange", "semester", None, None)}


def test_mode_and_level_come_from_between_the_partner_and_its_cue():
    text = ("The School reported on its “3+1” undergraduate program with DCU, and on a joint master program "
            "with Kookmin University.")
    got = found(text)
    assert (DCU, "joint_programme", None, "3+1", "undergraduate") in got
    assert (KOOKMIN, "joint_programme", None, None, "master") in got


def test_a_list_of_cooperation_areas_names_no_programme():
    assert found("Under the MoU, WUT and BISTU will carry out student exchange, joint research and staff visits.") == set()
    assert found("根据备忘录，双方将在学生交换和科研合作方面开展合作，华沙理工大学表示欢迎。", "zh") == set()
    assert found("International office says that winter and summer programs help students, NUS agrees.") == set()


def test_hosts_listed_after_the_cue_sentence_take_its_cue():
    text = ("This autumn 20 students will study abroad for one semester. The hosts include Lodz University of "
            "Technology and Kookmin University.")
    assert found(text) == {(LODZ, "exchange", "semester", None, None), (KOOKMIN, "exchange", "semester", None, None)}


def test_a_cue_without_a_partner_takes_the_partner_named_just_before():
    text = "The delegation visited Warsaw University of Technology. The two sides agreed to run a summer camp in 2025."
    assert found(text) == {(WUT, "summer_school", "summer", None, None)}


def test_bistu_own_summer_school_is_not_the_senders():
    text = "Students of WUT and NUS joined the 2024 BISTU International Summer School in Beijing."
    assert found(text) == {(HOME, "summer_school", "summer", None, None)}


def test_chinese_cues():
    assert found("计算机学院与都柏林城市大学“3+1”联合培养项目首批学生毕业。", "zh") == {
        (DCU, "joint_programme", None, "3+1", None)}
    assert found("新加坡国立大学的暑期项目和国民大学的科研实习项目报名人数最多。", "zh") == {
        (NUS, "summer_school", "summer", None, None), (KOOKMIN, "exchange", "internship", None, None)}


def test_a_text_without_any_programme_is_skipped_at_once():
    assert not any_cue("The President met the Ambassador and discussed cooperation in research.")
    assert any_cue("A 2+2 pathway was discussed.") and find_cues("A 2+2 pathway was discussed.", "en")
