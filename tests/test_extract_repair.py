"""Extraction damage is undone before statements are read, and every location
still points into the original text: broken lines (inside a word and inside a
trigger), spaces between characters, half-width punctuation, thousands
separators, page numbers and running headers."""
from __future__ import annotations

import re

import pytest

from nlp import analyze
from nlp.readers import read
from nlp.repair import repair
from tests.extract_helpers import fixture_text, make_pdf


@pytest.fixture(scope="module")
def messy() -> tuple[str, dict]:
    text = fixture_text("messy_extraction.txt")
    return text, analyze("messy_extraction.txt", text=text).to_dict()


def test_messy_text_gives_every_explanation(messy):
    _, report = messy
    assert len(report["explanations"]) == 3
    assert report["missing"] == []


def test_line_broken_inside_the_trigger(messy):
    """"……增长 10.66%,主要原\\n\\n因是:……" is one sentence with its trigger."""
    _, report = messy
    e = report["explanations"][0]
    assert e["item"] == "城乡社区支出（类）城乡社区管理事务（款）城管执法（项）"
    assert (e["basis"], e["direction"]) == ("prior_year", "increase")
    assert e["amount"] == pytest.approx(1234.56)  # "1,234.56" with a thousands separator
    assert e["change"] == pytest.approx(118.94)
    assert e["change_pct"] == pytest.approx(10.66)
    # half-width commas inside the reason are made full-width, spaces before digits dropped
    assert e["reason"] == "新增街面秩序视频巡查系统运维，执法队员增加6名"
    assert "原\n" not in e["statement"] and "因是" not in e["statement"]


def test_spaces_between_characters(messy):
    _, report = messy
    e = report["explanations"][1]
    assert e["item"].startswith("统管的经营性国有资产维护")
    assert e["change"] == pytest.approx(5.00)
    assert e["direction"] == "decrease"
    assert e["reason"] == "零星维修项目减少"


def test_line_broken_inside_a_word_and_half_width_punctuation(messy):
    """Half-width ";" between clauses and a half-width "." ending the reason."""
    _, report = messy
    e = report["explanations"][2]
    assert e["amount"] == pytest.approx(2306.00)
    assert e["change"] == pytest.approx(106.00)
    assert e["change_pct"] == pytest.approx(4.82)
    assert e["reason"] == "垃圾分类驳运服务面积扩大至全镇"
    assert [c["text"] for c in e["causes"]] == ["垃圾分类驳运服务面积扩大至全镇"]


def test_locations_point_into_the_original_text(messy):
    original, report = messy
    heads = ["1.城乡社区支出(类)", "2.统管的经营性国有 资产", "3.城乡社区支出(类)城乡社区环境卫生"]
    for e, head in zip(report["explanations"], heads, strict=True):
        loc = e["location"]
        assert loc["page"] is None
        piece = original[loc["start"] : loc["end"]]
        assert piece.startswith(head), piece
        # the reason's start, as written, is inside the span
        reason_head = {0: "新增街面秩序", 1: "零星 维修", 2: "垃圾分类驳运"}[report["explanations"].index(e)]
        assert reason_head in piece


# -- repair() on pages -------------------------------------------------------

PAGES = [
    "城东区档案馆2024年度部门决算\n"
    "一、收入支出决算总体情况说明\n"
    "2024年度收入总计 1,350.20 万元，比上年增加 150.20 万元，增长 12.52%，主要原\n"
    "- 1 -\n",
    "城东区档案馆2024年度部门决算\n"
    "因是：新建数字档案室投入使用。\n"
    "二、收入决算情况说明\n"
    "本年收入中财政拨款收入 1,300.00 万元，比上年增加 140.00 万元，增长 12.07%，主要是档案数字化加工经费增加。\n"
    "第 2 页\n",
    "城东区档案馆2024年度部门决算\n"
    "三、支出决算情况说明\n"
    "本年支出合计 1,350.20 万元。\n"
    "3/3\n",
]


def test_repair_removes_page_numbers_and_running_headers():
    text = repair(PAGES).text
    assert "城东区档案馆2024年度部门决算" not in text
    assert "- 1 -" not in text and "第 2 页" not in text and "3/3" not in text
    assert "主要原因是：新建数字档案室投入使用。" in text  # joined across the page break
    assert "1350.20万元" in text


def test_repair_locate_gives_page_and_offsets():
    repaired = repair(PAGES)
    i = repaired.text.index("本年收入中财政拨款收入")
    loc = repaired.locate(i, i + len("本年收入中财政拨款收入"))
    assert loc.page == 2
    assert PAGES[1][loc.start : loc.end] == "本年收入中财政拨款收入"
    i = repaired.text.index("2024年度收入总计")
    loc = repaired.locate(i, i + 4)
    assert loc.page == 1 and PAGES[0][loc.start :].startswith("2024年度收入总计 1,350.20")
    i = repaired.text.index("新建数字档案室")
    loc = repaired.locate(i, i + 7)
    assert loc.page == 2 and PAGES[1][loc.start : loc.end] == "新建数字档案室"


def test_repair_keeps_a_single_page_as_is():
    page = "一、收入支出决算总体情况说明\n本年收入 10.00 万元，比上年增加 1.00 万元，增长 11.11%，主要是新增项目。\n- 1 -\n"
    repaired = repair([page], paged=False)
    assert repaired.text.startswith("一、收入支出决算总体情况说明\n本年收入10.00万元")
    loc = repaired.locate(0, 3)
    assert loc.page is None and page[loc.start : loc.end] == "一、收"


def test_a_cut_between_two_pages_of_a_pdf(tmp_path):
    """A generated 3-page PDF with a running header and page numbers; the
    trigger is cut by the page break. Locations name the page and point at
    the statement in that page's text as read."""
    path = tmp_path / "cut.pdf"
    path.write_bytes(make_pdf([[ln for ln in p.split("\n")[:-2] if ln] for p in PAGES], footer=["- 1 -", "第 2 页", "3/3"]))
    report = analyze(path).to_dict()
    assert report["pages"] == 3
    exps = report["explanations"]
    assert [e["item"] for e in exps] == ["收入总计", "本年收入中财政拨款收入"]
    first, second = exps
    assert first["reason"] == "新建数字档案室投入使用"
    assert first["amount"] == pytest.approx(1350.20)
    assert second["reason"] == "档案数字化加工经费增加"
    assert [e["location"]["page"] for e in exps] == [1, 2]
    assert report["missing"] == []
    pages = read(path).pages
    for e in exps:
        loc = e["location"]
        as_read = pages[loc["page"] - 1][loc["start"] :]
        assert re.sub(r"[\s,]", "", as_read).startswith(re.sub(r"[\s,]", "", e["statement"])[:10])


@pytest.mark.parametrize("flattened, cells", [
    ("满意度\n\n42.5\n\n38.2\n\n10\n\n8\n", ["42.5", "38.2", "10", "8"]),  # a performance table's row, one cell a line
    ("完成率\n95%\n100%\n", ["95%", "100%"]),
])
def test_a_flattened_rows_figures_are_never_glued_into_one(flattened, cells):
    text = repair([flattened], paged=False).text
    assert re.findall(r"[\d.%]+", text) == cells
