"""What `analyze()` extracts from narrative text: one test per trigger, the
basis / direction / amounts of each change statement, the split of the reason
into causes, deviation reasons of performance tables, and statements that have
no reason at all. All texts are invented (tests/fixtures/*.txt)."""
from __future__ import annotations

import json
import re

import pytest

from nlp import analyze
from tests.extract_helpers import fixture_text

STATEMENT_KEYS = {"item", "basis", "direction", "amount", "compare_amount", "change", "change_pct", "statement"}


def _report(name: str) -> dict:
    return analyze(name, text=fixture_text(name)).to_dict()


def _by_item(entries: list[dict], item: str) -> dict:
    hits = [e for e in entries if e["item"] and item in e["item"]]
    assert len(hits) == 1, f"expected one entry for {item!r}, got {[e['item'] for e in entries]}"
    return hits[0]


def _squash(s: str) -> str:
    """Compare original and repaired text: no whitespace, wide punctuation,
    no thousands separators."""
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    return s.translate(str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}))


def _assert_points_back(original: str, entry: dict) -> None:
    """`location` (start, end) of an unpaged input is an offset pair into the
    original text, covering the statement from its start and the whole reason."""
    loc = entry["location"]
    assert loc["page"] is None
    assert 0 <= loc["start"] < loc["end"] <= len(original)
    span = _squash(original[loc["start"] : loc["end"]])
    assert span.startswith(_squash(entry["statement"])[:12]), (entry["statement"], original[loc["start"] : loc["end"]])
    assert _squash(entry["item"]) in span
    assert _squash(entry["reason"]) in span


# -- each trigger -------------------------------------------------------------

TRIGGER_CASES = [
    # (item, trigger as written, basis, direction, amount, compare_amount, change, change_pct, reason)
    ("收入总计", "主要原因是：", "prior_year", "increase", 2468.30, None, 186.42, 8.17, "新增农村供水管网改造项目资金"),
    ("污染防治（款）水体（项）", "主要原因：", "prior_year", "decrease", 312.50, None, 25.50, 7.54, "河道保洁服务合同单价下调"),
    ("水利（款）行政运行（项）", "原因是", "prior_year", "increase", 640.12, None, 35.60, 5.89, "新录用工作人员4名"),
    ("水利工程运行与维护（项）", "主要是", "prior_year", "decrease", 455.00, None, 60.00, 11.65, "北闸泵站大修工程于上年完工"),
    ("防汛（项）", "主要系", "prior_year", "increase", 128.40, None, 42.10, 48.78, "上级下达防汛抢险补助资金"),
    ("水资源节约管理与保护（项）", "主要由于", "prior_year", "decrease", 56.70, None, 9.30, 14.09, "节水宣传活动改为线上开展"),
    ("职业年金缴费支出（项）", "增加的原因是", "prior_year", "increase", 48.26, None, 6.26, 14.90, "补缴2023年度职业年金"),
    ("行政单位医疗（项）", "减少的原因是", "prior_year", "decrease", 30.15, None, 2.05, 6.37, "退休人员医疗补助划转至县医保中心发放"),
    ("公务接待费", "决算数小于预算数的主要原因是", "initial_budget", "decrease", 4.35, 6.00, 1.65, None, "严格执行公务接待标准，压减接待批次"),
    ("公务用车运行维护费", "决算数大于预算数的主要原因是", "full_year_budget", "increase", 19.20, 18.00, 1.20, None, "汛期抢险车辆出勤增加"),
]


@pytest.fixture(scope="module")
def triggers_report() -> dict:
    return _report("triggers.txt")


def test_every_trigger_gives_one_explanation(triggers_report):
    assert len(triggers_report["explanations"]) == len(TRIGGER_CASES)
    assert triggers_report["missing"] == []
    assert all(e["kind"] == "narrative" for e in triggers_report["explanations"])


@pytest.mark.parametrize(
    "item,trigger,basis,direction,amount,compare,change,pct,reason", TRIGGER_CASES, ids=[c[1] for c in TRIGGER_CASES]
)
def test_trigger(triggers_report, item, trigger, basis, direction, amount, compare, change, pct, reason):
    e = _by_item(triggers_report["explanations"], item)
    assert trigger in fixture_text("triggers.txt")
    assert e["basis"] == basis
    assert e["direction"] == direction
    assert e["amount"] == pytest.approx(amount)
    if compare is None:
        assert e["compare_amount"] is None
    else:
        assert e["compare_amount"] == pytest.approx(compare)
    assert e["change"] == pytest.approx(change)
    assert e["change_pct"] == (pytest.approx(pct) if pct is not None else None)
    assert e["reason"] == reason
    assert [c["text"] for c in e["causes"]] == [reason]
    assert trigger.rstrip("：") not in e["reason"]
    _assert_points_back(fixture_text("triggers.txt"), e)


def test_explanations_carry_their_section(triggers_report):
    e = _by_item(triggers_report["explanations"], "公务接待费")
    assert e["section"][0].replace(" ", "") == "第二部分部门决算情况说明"
    assert e["section"][-1].startswith("三、财政拨款")
    e = _by_item(triggers_report["explanations"], "防汛（项）")
    assert e["section"][-1] == "二、一般公共预算财政拨款支出决算具体情况"


def test_ids_are_in_document_order(triggers_report):
    exps = triggers_report["explanations"]
    assert [e["id"] for e in exps] == [f"E{n}" for n in range(1, len(exps) + 1)]
    starts = [e["location"]["start"] for e in exps]
    assert starts == sorted(starts)


# -- amounts in 元 and 亿元, no change, and the split into causes -------------


@pytest.fixture(scope="module")
def units_report() -> dict:
    return _report("units_and_causes.txt")


def test_amounts_in_yuan_are_converted_to_wan(units_report):
    e = _by_item(units_report["explanations"], "森林资源管理（项）")
    assert e["amount"] == pytest.approx(35.68)
    assert e["change"] == pytest.approx(5.68)
    assert e["change_pct"] == pytest.approx(18.93)


def test_amounts_in_yi_are_converted_to_wan(units_report):
    e = _by_item(units_report["explanations"], "动植物保护（项）")
    assert e["amount"] == pytest.approx(12600.0)
    assert e["change"] == pytest.approx(1800.0)
    assert e["direction"] == "increase"


def test_no_change_has_direction_none(units_report):
    e = _by_item(units_report["explanations"], "执法与监督（项）")
    assert e["basis"] == "prior_year"
    assert e["direction"] == "none"
    assert e["amount"] == pytest.approx(3.0)
    assert not e["change"]
    assert e["reason"] == "严格按照年度执法工作计划开支"


@pytest.mark.parametrize(
    "item,causes",
    [
        ("一般公共预算财政拨款支出", ["新招录专业技术人员3名", "追加湿地公园巡护经费", "新增古树名木普查项目"]),  # 一、二、三、
        ("事业机构（项）", ["压减一般性支出", "苗圃改造项目上年已完工"]),  # 一是……二是……
        ("森林资源管理（项）", ["新增林长制信息平台运维", "开展林下经济调查"]),  # ……；……
    ],
    ids=["一、二、", "一是二是", "semicolon"],
)
def test_causes_are_split(units_report, item, causes):
    prior = [e for e in units_report["explanations"] if e["basis"] == "prior_year"]
    e = _by_item(prior, item)
    assert [c["text"] for c in e["causes"]] == causes


def test_numbered_causes_of_a_budget_comparison(units_report):
    """"与年初预算相比，年初预算数为 X，决算数为 Y，决算数大于预算数的主要原因是：1. …；2. …"."""
    budget = [e for e in units_report["explanations"] if e["basis"] != "prior_year"]
    assert len(budget) == 1
    e = budget[0]
    assert e["basis"] == "initial_budget"
    assert e["direction"] == "increase"
    assert e["compare_amount"] == pytest.approx(1800.0)
    assert e["amount"] == pytest.approx(1986.40)
    assert e["change"] == pytest.approx(186.40)
    assert [c["text"] for c in e["causes"]] == ["年中追加森林防火专项经费", "补缴2022年度职业年金"]


def test_budget_comparison_in_its_own_paragraph_names_the_item(units_report):
    """The paragraph has no subject of its own; the section it sits in and the
    paragraph before it are about 一般公共预算财政拨款支出, so that is the item."""
    e = next(e for e in units_report["explanations"] if e["basis"] == "initial_budget")
    assert "一般公共预算财政拨款支出" in e["item"]


def test_budget_comparison_after_an_explained_change_does_not_take_its_item_from_the_reason():
    """Seed layout: the prior-year and the budget comparison of one total in one
    paragraph. The item of the second must not be a cause of the first."""
    text = (
        "（一）一般公共预算财政拨款支出决算总体情况\n\n"
        "2024年度一般公共预算财政拨款支出 3,456.78 万元。与上年相比，增加 210.40 万元，增长 6.48%，"
        "主要原因是：一、新招录讲解员 5 名；二、追加文物修缮经费；三、新增非遗展演活动。"
        "与年初预算相比，年初预算数 3,000.00 万元，决算数 3,456.78 万元，预决算差异率 15.23%，"
        "主要原因是：年中追加全民阅读推广经费。\n"
    )
    exps = analyze("x", text=text).to_dict()["explanations"]
    assert len(exps) == 2
    prior, budget = exps
    assert prior["basis"] == "prior_year" and prior["item"] == "一般公共预算财政拨款支出"
    assert budget["basis"] == "initial_budget"
    assert budget["change_pct"] == pytest.approx(15.23)
    assert budget["direction"] == "increase"
    assert "非遗" not in budget["item"]
    assert "一般公共预算财政拨款支出" in budget["item"]


def test_one_is_two_is_in_the_middle_of_a_sentence():
    text = "文化馆运行支出 120.00 万元，比上年减少 12.00 万元，下降 9.09%，主要原因是：一是压减一般性支出，二是馆舍维修项目上年已完工。\n"
    e = analyze("x", text=text).to_dict()["explanations"][0]
    assert [c["text"] for c in e["causes"]] == ["压减一般性支出", "馆舍维修项目上年已完工"]


# -- performance self-evaluation table ---------------------------------------


@pytest.fixture(scope="module")
def table_report() -> dict:
    return _report("perf_table.txt")


def test_deviation_reasons_of_a_performance_table(table_report):
    rows = [e for e in table_report["explanations"] if e["kind"] == "performance_table"]
    # "无", "/" and empty cells are no reason
    assert [e["indicator"] for e in rows] == ["灯光秀演出场次", "运维服务费"]
    first, second = rows
    assert first["project"] == "古镇夜游灯光秀运维项目"
    assert (first["target"], first["actual"], first["weight"], first["score"]) == (">=120场", "=96场", "10", "8.00")
    assert first["item"] == "灯光秀演出场次"
    assert first["reason"] == "受台风天气影响停演24场，下年度将完善雨天备用方案"
    assert first["statement"] is None and first["basis"] is None
    assert (second["target"], second["actual"]) == ("<=80万元", "=86.5万元")
    assert [c["text"] for c in second["causes"]] == ["灯具老化更换数量增加", "电价上调"]
    assert first["section"] == ["十一、预算绩效情况说明"]


def test_table_reason_location_is_the_cell(table_report):
    original = fixture_text("perf_table.txt")
    e = next(e for e in table_report["explanations"] if e["indicator"] == "运维服务费")
    loc = e["location"]
    assert original[loc["start"] : loc["end"]] == "一是灯具老化更换数量增加；二是电价上调"


def test_table_text_is_not_read_as_narrative(table_report):
    assert table_report["missing"] == []
    assert all(e["kind"] == "performance_table" for e in table_report["explanations"])


# -- missing explanations ------------------------------------------------------


def test_change_without_reason_is_missing():
    text = fixture_text("missing_reason.txt")
    report = analyze("missing_reason.txt", text=text).to_dict()
    assert [e["item"] for e in report["explanations"]] == ["财政拨款“三公”经费", "因公出国（境）费", "公务接待费"]
    assert len(report["missing"]) == 2
    car, running = report["missing"]
    assert car["id"] == "M1" and running["id"] == "M2"
    assert car["item"] == "公务用车购置及运行维护费"
    assert (car["basis"], car["direction"]) == ("prior_year", "increase")
    assert car["amount"] == pytest.approx(8.40)
    assert car["change"] == pytest.approx(0.90)
    assert car["change_pct"] == pytest.approx(12.00)
    assert running["item"] == "机关运行经费"
    assert (running["basis"], running["direction"]) == ("prior_year", "decrease")
    assert running["amount"] == pytest.approx(96.50)
    assert running["change"] == pytest.approx(4.50)
    assert running["section"] == ["八、机关运行经费支出情况"]
    for m, head in ((car, "公务用车购置及运行维护费"), (running, "2024年度机关运行经费")):
        loc = m["location"]
        assert loc["page"] is None
        assert re.sub(r"^\d{1,2}\.", "", text[loc["start"] : loc["end"]]).startswith(head)
        assert "主要原因" not in text[loc["start"] : loc["end"]]


def test_report_without_explanations_is_empty():
    report = _report("no_explanations.txt")
    assert report["explanations"] == []
    assert report["missing"] == []
    assert report["pages"] is None


# -- the JSON contract ---------------------------------------------------------


def test_to_dict_is_json_and_has_the_contract_keys(triggers_report):
    json.dumps(triggers_report, ensure_ascii=False)
    assert {"source", "pages", "explanations", "missing", "findings", "score"} <= set(triggers_report)
    assert triggers_report["source"] == "triggers.txt"
    for e in triggers_report["explanations"]:
        assert STATEMENT_KEYS | {"id", "kind", "section", "reason", "causes", "location", "flags"} <= set(e)
        assert set(e["location"]) == {"page", "start", "end", "line"}
        for c in e["causes"]:
            assert set(c) >= {"text", "label", "confidence", "vague"}


def test_basis_and_direction_are_the_vocabulary_words():
    """Statements carry `Basis` and `Direction` members, which the JSON writes as their values."""
    from nlp.vocabulary import Basis, Direction

    report = analyze("enums", text="公务接待费 6.00 万元，比上年减少 1.50 万元，主要原因是压减接待批次。", model=None)
    s = report.explanations[0].statement
    assert (s.basis, s.direction) == (Basis.PRIOR_YEAR, Direction.DECREASE)
    assert isinstance(s.basis, Basis) and isinstance(s.direction, Direction)
    assert json.loads(json.dumps(report.to_dict()))["explanations"][0]["direction"] == "decrease"


@pytest.mark.parametrize(
    "text",
    [
        "2024年度一般公共预算支出决算数86.20亿元，较预算数剩余3.86亿元，主要原因是部分项目未实施。",
        "2024年度歲出決算數86.20億元，較預算數賸餘3.86億元，主要是因部分項目未實施。",
    ],
)
def test_money_left_over_against_the_budget_is_spent_below_it(text):
    (e,) = analyze("invented", text=text, model=None).to_dict()["explanations"]
    assert (e["direction"], e["change"]) == ("decrease", 38600.0)
    assert e["basis"] in ("initial_budget", "full_year_budget")


_BECAUSE = "，主要原因是压减公务接待批次。"


@pytest.mark.parametrize(
    ("statement", "direction", "basis"),
    [
        ("与年初预算相比，2024年度支出决算减少5.00万元", "decrease", "initial_budget"),
        ("支出决算数比调整预算数减少5.00万元", "decrease", "full_year_budget"),
        ("支出决算数与调整后预算数相比减少5.00万元", "decrease", "full_year_budget"),
        ("一般公共预算支出决算数比2023年执行数增加5.00亿元", "increase", "other"),
        ("与人大审议的执行数相比，一般公共预算收入增加5.00亿元", "increase", "other"),
        ("“三公”经费支出12.00万元，比上年同期减少1.00万元", "decrease", "prior_year"),
        ("公务接待费支出3.00万元，同上年一致", "none", "prior_year"),
        ("2024年“三公”经费预算数较2023年预算数减少1.00万元", "decrease", "other"),
        ("公务接待费支出决算为调整预算的120.00%", "increase", "full_year_budget"),
    ],
)
def test_the_basis_is_what_the_sentence_compares_with(statement, direction, basis):
    """README's `basis`: budget against last year's budget or against 执行数
    is `other`; a 三公 item against last year, even unchanged, is `prior_year`."""
    (e,) = analyze("invented", text=statement + _BECAUSE, model=None).to_dict()["explanations"]
    assert (e["direction"], e["basis"]) == (direction, basis)
