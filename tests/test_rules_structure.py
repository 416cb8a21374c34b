"""The structure rules: numbering out of order (JS702) and doubled
punctuation (JS703), through `nlp.analyze(name, text=...)` and on the real
PDFs (the planted-error PDF against its clean twin; skipped without
../shared). All units and figures are invented."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp import analyze
from nlp.config import Settings

HEAD = "青禾区人大办2024年度部门决算公开说明\n第二部分 部门决算情况说明\n"
ITEM = "{n}、一般公共服务支出（类）人大事务（款）行政运行（项）。年初预算为10.00万元，支出决算为10.00万元，决算数与预算数持平。\n"
REAL_PDFS = Path(__file__).resolve().parents[1].parent / "shared" / "real_pdfs"


def codes(text: str, code: str) -> list:
    return [f for f in analyze("t.txt", text=HEAD + text).findings if f.code == code]


def items(*numbers) -> str:
    return "".join(ITEM.format(n=n) for n in numbers)


@pytest.mark.parametrize(("numbers", "first"), [((1, 2, 3, 4, 5, 6, 8, 7), "8、"), ((2, 1, 3), "2、"), ((10, 9, 11), "10、"), ((1, 3, 2, 4), "3、")])
def test_a_swap_the_neighbours_confirm_is_reported(numbers, first):
    found = codes("五、一般公共预算财政拨款支出决算情况说明\n" + items(*numbers), "JS702")
    assert len(found) == 1
    assert f"“{first}”写在" in found[0].message
    assert found[0].location.line is not None


def test_headings_out_of_order_are_reported():
    text = "二、收入决算情况说明\n本年收入合计10.00万元。\n一、收入支出决算总体情况说明\n本年收入合计10.00万元。\n三、支出决算情况说明\n本年支出合计10.00万元。\n"
    [finding] = codes(text, "JS702")
    assert "“二、”写在“一、”之前" in finding.message


@pytest.mark.parametrize(
    "numbers",
    [(1, 2, 3, 4), (2, 1), (1, 2, 3, 1, 2, 3), (1, 2, 4, 5), (3, 5, 6), (1, 1, 2, 3)],
    ids=["in order", "two alone", "restarts", "a gap", "a cut list", "a repeat"],
)
def test_what_is_not_a_swap_is_not_reported(numbers):
    assert codes("五、一般公共预算财政拨款支出决算情况说明\n" + items(*numbers), "JS702") == []


def test_a_higher_heading_starts_the_count_again():
    text = "（一）基本支出\n" + items(1, 2) + "（二）项目支出\n" + items(1, 2, 3)
    assert codes(text, "JS702") == []


def test_table_cells_and_figures_are_not_items():
    rows = "1、 2、 3、\n2. 5万元\n1. 3万元\n3. 7万元\n"
    assert codes(rows, "JS702") == []


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("主要原因是新录用公务员3名。。\n", True),
        ("主要原因是新录用公务员3名，，人员经费增加。\n", True),
        ("主要原因是新录用公务员3名。\n。\n", True),
        ("主要原因是新录用公务员3名。\n", False),
        ("纳入编制范围的单位：1.本级；2.。。。\n", False),
        ("主要原因是新录用公务员3名。\n“三公”经费。\n", False),
    ],
)
def test_doubled_punctuation(text, fires):
    assert bool(codes(text, "JS703")) is fires


def test_doubled_punctuation_is_capped_by_its_option():
    text = HEAD + "".join(f"第{i}句。。\n" for i in range(15))
    report = analyze("t.txt", text=text, settings=Settings(rule_options={"doubled_punctuation": {"max_findings": 3}}))
    found = [f for f in report.findings if f.code == "JS703"]
    assert len(found) == 4 and "另有 12 处" in found[-1].message


@pytest.mark.skipif(not REAL_PDFS.is_dir(), reason="needs ../shared/real_pdfs")
def test_the_planted_pdf_against_its_clean_twin():
    planted = analyze(next(REAL_PDFS.glob("*测试问题版本*.pdf")))
    swaps = {f.message for f in planted.findings if f.code == "JS702"}
    for pair in ["“2、”写在“1、”之前", "“8、”写在“7、”之前", "“10、”写在“9、”之前", "“二、”写在“一、”之前"]:
        assert any(pair in m for m in swaps), pair
    assert any("财政拨款。。" in f.message for f in planted.findings if f.code == "JS703")
    for clean in REAL_PDFS.glob("*.pdf"):
        if "测试" in clean.name:
            continue
        assert [f for f in analyze(clean).findings if f.code in ("JS702", "JS703")] == [], clean.name
