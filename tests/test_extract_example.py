"""The bundled example report (examples/) is extracted as examples/README.md
says: every plant is where the README puts it and comes out of the extraction."""
from __future__ import annotations

import re

import pytest

from nlp import analyze
from tests.extract_helpers import EXAMPLE, run_cli

REPEATED = "根据区委、区政府工作部署，加大公共文化服务投入，相关支出相应增加"


@pytest.fixture(scope="module")
def report() -> dict:
    return analyze(EXAMPLE).to_dict()


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").split("\n")


def _one(entries, item_part, **where):
    hits = [e for e in entries if e["item"] and item_part in e["item"] and all(e.get(k) == v for k, v in where.items())]
    assert len(hits) == 1, (item_part, [e["item"] for e in entries])
    return hits[0]


def test_counts(report):
    kinds = [e["kind"] for e in report["explanations"]]
    assert kinds.count("narrative") == 32
    assert kinds.count("performance_table") == 5
    assert len(report["missing"]) == 2


def test_readme_line_numbers(lines):
    """The README cites lines: keep them true when the example is edited."""
    at = lambda n: lines[n - 1]  # noqa: E731
    assert at(53).startswith("收入支出总体与上年相比")
    assert at(91).endswith("主要原") and at(92) == "" and at(93).startswith("因是：")
    assert "根据工作安排调整支出" in at(89)
    assert "业务量增加" in at(99)
    assert at(109).endswith("主要原因是：工作需要。")
    assert all(REPEATED in at(n) for n in (95, 97, 101))
    assert "博物馆（项）" in at(105) and at(105).endswith("增长 21.79%。")
    assert "政府性基金预算财政拨款支出与上年相比" in at(135)
    assert "158.40" in at(145) and "146.90" in at(145) and "12.50" in at(145)
    assert at(165).split("\t")[2:5] == ["文旅主题活动场次", ">=20场", "=26场"]
    assert "预算资金有限" in at(165)
    assert "基本养老 保险 缴费" in at(107)
    assert "(项):" in at(111) and "," in at(111)
    assert "基本达到预期" in at(186) and "分馆运营管理制度" in at(186)
    assert at(190) == "十二、其他需要说明的事项"
    assert all(REPEATED in at(n) for n in (194, 196, 198, 200, 202))
    assert at(204).endswith("主要原因是：项目支出增加。")
    assert at(206).endswith("主要原因是：文物巡查人员减少。")
    assert at(208).startswith("8.XX单位")
    assert "36.50 元" in at(210) and "4.50 万元" in at(210)
    assert "截至 2023 年 12 月 31 日" in at(212)
    # the statements (第四部分, issue 17)
    assert at(241) == "收入决算表" and at(246) == "财政拨款收入支出决算总表"
    assert at(251).split("\t")[2:5] == ["九、卫生健康支出", "350.00", "305.00"]
    assert at(259).endswith("2,789.56") and at(262).endswith("2,789.65")
    assert at(269).split("\t")[2] == "2,981.40" and "2,918.40" in at(115)
    assert "决算表为空表" in at(139)
    assert len(lines) - 1 == 282


def test_vague_and_specific_reasons_are_extracted(report):
    exps = report["explanations"]
    assert _one(exps, "一般行政管理事务（项）")["reason"] == "根据工作安排调整支出"
    assert _one(exps, "文化和旅游市场管理（项）")["reason"] == "业务量增加"
    assert _one(exps, "行政单位医疗（项）")["reason"] == "工作需要"
    lib = _one(exps, "图书馆（项）")  # trigger broken across lines
    assert lib["reason"].startswith("运河分馆于2024年5月建成开放")
    assert lib["change"] == pytest.approx(402.60)
    relic = _one(exps, "文物保护（项）")
    assert relic["amount"] == pytest.approx(1268.40)
    assert len(relic["causes"]) == 2


def test_repeated_reason(report):
    same = [e for e in report["explanations"] if e["reason"] == REPEATED]
    assert sorted(e["item"].rsplit("（款）", 1)[-1] for e in same) == [
        "城西区文化馆", "城西区旅游咨询服务中心", "城西区美术馆", "城西区群艺演出中心", "城西区非遗保护中心",
        "文化创作与保护（项）", "旅游宣传（项）", "群众文化（项）",
    ]
    assert len({e["change"] for e in same}) == 8


def test_missing_reasons(report):
    museum, fund = report["missing"]
    assert museum["item"].endswith("博物馆（项）")
    assert (museum["direction"], museum["amount"], museum["change"], museum["change_pct"]) == ("increase", 85.25, 15.25, 21.79)
    assert fund["item"] == "政府性基金预算财政拨款支出"
    assert (fund["direction"], fund["change"], fund["change_pct"]) == ("decrease", 15.0, 25.0)


def test_arithmetic_slip_is_visible_in_the_fields(report):
    e = _one(report["explanations"], "机关运行经费")
    assert (e["amount"], e["change"], e["change_pct"]) == (158.40, 12.50, 7.83)
    implied = e["change"] / (e["amount"] - e["change"]) * 100
    assert abs(implied - e["change_pct"]) > 0.5
    # every other prior-year statement with all three figures is consistent
    for other in report["explanations"] + report["missing"]:
        if other is e or other["basis"] != "prior_year" or not (other["amount"] and other["change"] and other["change_pct"]):
            continue
        if other["item"] == "城西区运河文化研究会":  # the unit slip planted on line 210 (36.50 元 for 万元)
            continue
        prior = other["amount"] - other["change"] if other["direction"] == "increase" else other["amount"] + other["change"]
        assert other["change"] / prior * 100 == pytest.approx(other["change_pct"], abs=0.006), other["item"]


def test_performance_table_contradiction(report):
    rows = [e for e in report["explanations"] if e["kind"] == "performance_table"]
    assert [r["indicator"] for r in rows] == ["文旅主题活动场次", "带动周边商户营业额增长", "新增馆藏图书", "年接待读者人次", "分馆运营管理制度"]
    contra = rows[0]
    assert contra["project"] == "第五届城西运河文化旅游节"
    assert (contra["target"], contra["actual"], contra["score"]) == (">=20场", "=26场", "10.00")
    assert contra["reason"].startswith("预算资金有限")
    assert rows[2]["project"] == "城西区图书馆运河分馆开办经费"


def test_budget_comparisons(report):
    exps = report["explanations"]
    reception = _one(exps, "公务接待费", basis="initial_budget")
    assert (reception["direction"], reception["compare_amount"], reception["amount"]) == ("decrease", 10.0, 7.8)
    car = _one(exps, "公务用车运行维护费", basis="full_year_budget")
    assert car["direction"] == "increase"
    total = _one(exps, "财政拨款收入支出总体", basis="initial_budget")
    assert [c["text"] for c in total["causes"]] == ["年中追加第五届城西运河文化旅游节专项经费260.00万元", "追加运河分馆开办经费", "上年结转资金在本年使用"]
    abroad = _one(exps, "因公出国（境）费")
    assert abroad["direction"] == "none"


def test_example_through_the_cli():
    result = run_cli("score", EXAMPLE, "--format", "json", "--exit-zero")
    assert result.code == 0, result.stderr
    data = result.json()
    assert len(data["explanations"]) == 37 and len(data["missing"]) == 2
    text = run_cli("score", EXAMPLE, "--exit-zero")
    assert text.code == 0, text.stderr
    head = "\n".join(text.stdout.splitlines()[:3])
    assert EXAMPLE.name in head
    assert re.search(r"(?<!\d)37 条说明", head) and re.search(r"(?<!\d)2 处变动未说明原因", head), head
