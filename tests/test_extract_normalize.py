"""Reports in traditional script with pinyin glosses ("萬(wàn)元", as mirror
sites serve them) are read as simplified text without glosses, while every
location still points into the input as given and the text can be quoted as
the report writes it. All examples are invented."""
from __future__ import annotations

import re
import unicodedata

import pytest

from nlp import analyze, classify, normalize
from nlp.normalize import GLOSS, plain
from nlp.repair import repair

# Three invented pages, traditional script, glosses in both bracket widths.
PAGES = [
    "一、一般公共預算財政撥款支出決算情況說明\n"
    "公務(wù)接待費(fèi)6.00萬(wàn)元，較上年減少1.50萬(wàn)元，下降20.00%。\n",
    "二、收入決算情況說明\n"
    "本年收入合計（hé）368.20萬元，比上年增加(jiā)12.50萬(wàn)元，增長(cháng)3.52%，"
    "主要原因是新增濕(shī)地巡護項目。\n",
    "三、其他說明\n"
    "本單位無(wú)因公出國（境）費用。\n",
]


@pytest.fixture(scope="module")
def repaired():
    return repair(PAGES)


# -- plain() -----------------------------------------------------------------


def test_plain_removes_glosses_and_converts_the_script():
    assert plain("公務(wù)接待費(fèi)6萬(wàn)元，較上年減少1.5萬(wàn)元。") == "公务接待费6万元，较上年减少1.5万元。"
    assert plain("決算數（shù）較上年增長（cháng）") == "决算数较上年增长"  # full-width brackets
    assert plain("濕(shī)地(dì)巡護（hù）") == "湿地巡护"


def test_plain_leaves_simplified_text_as_it_is():
    for text in ["新录用公务员6名", "压减一般性支出，培训费下降12%", "设备老化打坏后更换", "", "abc (x) 123"]:
        assert plain(text) == text


def test_english_in_brackets_is_not_a_gloss():
    for kept in ["(PPP)", "(abc)", "（GDP）", "(a)", "(wan)", "(Wàn)", "(zhuàngzhuàng)"]:
        assert not GLOSS.search(kept), kept
        assert plain("采用" + kept + "模式") == "采用" + kept + "模式"
    for gloss in ["(wàn)", "（shù）", "(cháng)", "(lǜ)", "(ǎ)", "(wàn）"]:
        assert GLOSS.fullmatch(gloss), gloss


# -- repair() ------------------------------------------------------------------


def test_repaired_text_is_simplified_without_glosses(repaired):
    text = repaired.text
    assert "公务接待费6.00万元，较上年减少1.50万元，下降20.00%。" in text
    assert "本年收入合计368.20万元，比上年增加12.50万元，增长3.52%，主要原因是新增湿地巡护项目。" in text
    assert "本单位无因公出国（境）费用。" in text
    assert not GLOSS.search(text)
    assert len(repaired.origin) == len(text)


def test_written_keeps_the_script_and_the_glosses(repaired):
    assert "公務(wù)接待費(fèi)6.00萬(wàn)元" in repaired.written
    assert "增長(cháng)3.52%" in repaired.written
    assert len(repaired.written_at) == len(repaired.text)


def test_locate_points_into_the_original_pages(repaired):
    text = repaired.text
    i = text.index("增长3.52%")
    loc = repaired.locate(i, i + len("增长3.52%"))
    assert loc.page == 2
    assert PAGES[1][loc.start : loc.end] == "增長(cháng)3.52%"
    i = text.index("湿地巡护项目")
    loc = repaired.locate(i, i + len("湿地巡护项目"))
    assert loc.page == 2 and PAGES[1][loc.start : loc.end] == "濕(shī)地巡護項目"
    i = text.index("本单位无因公出国")
    loc = repaired.locate(i, i + 3)
    assert loc.page == 3 and PAGES[2][loc.start : loc.end] == "本單位"
    i = text.index("较上年减少1.50万元")
    loc = repaired.locate(i, i + len("较上年减少1.50万元"))
    assert loc.page == 1 and PAGES[0][loc.start : loc.end] == "較上年減少1.50萬(wàn)元"


def test_quote_gives_the_text_as_written(repaired):
    text = repaired.text
    i = text.index("万元，较上年")
    assert repaired.quote(i, i + 2) == "萬(wàn)元"
    assert repaired.quote(i, i + 1) == "萬(wàn)"  # the gloss right after the last character
    assert repaired.quote(i + 1, i + 2) == "元"
    i = text.index("公务接待费")
    assert repaired.quote(i, i + 5) == "公務(wù)接待費(fèi)"
    i = text.index("新增湿地巡护项目")
    assert repaired.quote(i, i + 8) == "新增濕(shī)地巡護項目"
    assert repaired.quote(i, i) == "" and repaired.quote(i + 3, i + 1) == ""


def test_quote_removes_line_breaks_of_a_span_over_lines():
    r = repair(["一、概況\n本年支出合計（jì）96.00萬元\n二、說明\n"], paged=False)
    i = r.text.index("概况")
    assert r.quote(i, r.text.index("二")) == "概況本年支出合計（jì）96.00萬元"


def test_simplified_input_is_unchanged_and_quoted_as_is():
    page = "一、收入支出决算总体情况说明\n本年收入10.00万元，比上年增加1.00万元，增长11.11%，主要是新增项目。\n"
    r = repair([page], paged=False)
    assert r.written_at is None and r.written == r.text
    i = r.text.index("本年收入")
    assert r.quote(i, i + 4) == "本年收入"


def test_a_gloss_that_blocked_a_repair_is_repaired_after_it_is_removed():
    """A gloss keeps the brackets around it from being widened and a space
    before a figure from being dropped; once removed, both are repaired."""
    r = repair(["其中(含公務(wù)接待)3.00萬元，增長(cháng) 5.00%。"], paged=False)
    assert r.text == "其中（含公务接待）3.00万元，增长5.00%。"
    assert repair([r.text], paged=False).text == r.text
    i = r.text.index("公务接待")
    assert r.quote(i, i + 4) == "公務(wù)接待"


def test_repair_is_idempotent_on_normalised_text(repaired):
    again = repair([repaired.text], paged=False)
    assert again.text == repaired.text
    assert again.written_at is None


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u180e", "\u2061", "\u2064", "\ufeff"])
def test_invisible_characters_inside_a_figure(invisible):
    r = repair([f"公用经费8{invisible}5.00万元，比上年增加1{invisible}2.00万元。"], paged=False)
    assert r.text == "公用经费85.00万元，比上年增加12.00万元。"


# -- the length guard ----------------------------------------------------------------


def test_a_converter_that_changes_the_length_is_used_character_by_character(monkeypatch):
    t2s = normalize._converter()
    real = t2s.convert

    def longer(text: str) -> str:
        out = real(text)
        return out + "x" if len(text) > 1 else out  # whole chunks come back too long

    monkeypatch.setattr(t2s, "convert", longer)
    normalize.plain.cache_clear()
    try:
        r = repair(["決算數(shù)較上年增加5.00萬(wàn)元。"], paged=False)
        assert r.text == "决算数较上年增加5.00万元。"
        assert len(r.origin) == len(r.text)
        assert plain("預算數較上年") == "预算数较上年"
    finally:
        normalize.plain.cache_clear()


def test_characters_never_converted():
    """坏 is the simplified 壞; OpenCC's phrase table reads 打坏 as 打坯."""
    assert plain("設備打坏後報廢") == "设备打坏后报废"
    assert plain("設備打壞") == "设备打坏"


# -- the whole pipeline and the classifier ----------------------------------------


def test_analyze_reads_a_traditional_report_with_glosses():
    text = "\n".join(PAGES)
    report = analyze("mirror.txt", text=text, model=None).to_dict()
    exps = [e for e in report["explanations"] if e.get("change") == pytest.approx(12.50)]
    assert len(exps) == 1, report["explanations"]
    e = exps[0]
    assert e["amount"] == pytest.approx(368.20)
    assert e["change_pct"] == pytest.approx(3.52)
    assert e["direction"] == "increase"
    assert plain(e["reason"]) == "新增湿地巡护项目"
    loc = e["location"]
    assert "本年收入合計" in text[loc["start"] : loc["end"]]


def test_classify_reads_traditional_text_like_simplified():
    rows = classify(["新錄用公務員6名", "新录用公务员6名", "新錄(lù)用公務(wù)員6名"])
    assert [r["text"] for r in rows] == ["新錄用公務員6名", "新录用公务员6名", "新錄(lù)用公務(wù)員6名"]
    assert len({(r["label"], r["confidence"], r["vague"]) for r in rows}) == 1


# -- properties ------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TOKENS = [
    "萬", "元", "數", "較", "上年", "增長", "減少", "打", "壞", "坏", "乾", "隆", "覆", "沈", "瞭解", "說明",
    "(wàn)", "（shù）", "(cháng)", "(wàn）", "(", ")", "（", "）", "wàn", "(PPP)",
    " ", "\n", "\n\n", "\t", "\u200c", "\u00ad", "，", "。", "12.50", "3,000", "一、", "(一)",
]
mirror_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mirror_text, min_size=1, max_size=3))
@example(["萬(wàn)\u0300"])  # found by Hypothesis: the gloss removed leaves a combining mark on 万
@example(["(wàn)\t萬"])  # and a tab alone on its line
def test_normalised_repair_maps_back_and_is_idempotent(pages):
    r = repair(pages, paged=len(pages) > 1)
    total = sum(map(len, pages)) + len(pages) - 1
    assert len(r.origin) == len(r.text)
    assert all(0 <= o < total for o in r.origin)
    if r.written_at is not None:
        assert len(r.written_at) == len(r.text)
        assert all(0 <= w < len(r.written) for w in r.written_at)
    for a in range(0, len(r.text), max(1, len(r.text) // 5)):
        assert isinstance(r.quote(a, a + 4), str)
    assert repair([r.text], paged=False).text == r.text


# -- the character steps and the chains built of them ---------------------------

# Invented strings where the steps differ: full-width figures and letters,
# figures with separators of both widths, an underscore (a template's blank),
# spaces of several kinds, upper case.
AWKWARD = [
    "公务接待费１２.５０万元，较上年减少1,234.5元",
    "3，4月份开展“过紧日子”检查____次",
    "ＡＢＣ项目 \t 预算 ６ 名\u3000人员",
    "新录用公务员6名、12名（XXXX）",
    "",
]


def _old_similarity_key(text: str) -> str:
    """nlp.similarity.normalise as it was written before the steps (the oracle)."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\W_]+", "", re.sub(r"\d+(?:\.\d+)?", "0", text))


def _old_features_text(text: str) -> str:
    """nlp.features.normalize as it was written before the steps."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@pytest.mark.parametrize("text", AWKWARD)
def test_chains_read_as_the_forms_they_replace(text):
    from nlp import features, similarity

    assert similarity.normalise(text) == _old_similarity_key(text)
    assert features.normalise(text) == _old_features_text(text)
    assert features.mask_digits(text) == re.sub(r"\d+(?:[.,]\d+)*", "0", text)


def test_character_steps():
    assert normalize.fold_width("１２ＡＢ，") == "12AB,"
    assert normalize.mask_figures("1,234.5元，6名") == "0,0元，0名"
    assert normalize.mask_figures("1,234.5元，6名", grouped=True) == "0元，0名"
    assert normalize.drop_punctuation("项目__A, 1。") == "项目A1"
    assert normalize.drop_punctuation("项目__A, 1。", keep_underscore=True) == "项目__A1"
    assert normalize.drop_spaces(" a \tb\u3000c\n") == "abc"
    steps = normalize.chain(normalize.fold_width, normalize.fold_case, normalize.drop_spaces)
    assert steps("ＡＢ Ｃ") == "abc"
    assert normalize.chain()("原样") == "原样"
