"""Forms of a change statement and its reason that real reports use, one
invented sentence each (units, places and figures made up): the reason after
them is found whole, whatever the statement before it looks like."""
from __future__ import annotations

import pytest

from nlp import analyze


def _reasons(text: str) -> list[str]:
    return [e.reason for e in analyze("forms.txt", text=text, model=None).explanations]


# (what the case shows, the text, the reasons expected, in order)
FORMS = [
    # A bracket that only states the change again is part of the statement.
    ("bracket restating the percentage", "绿化支出增加46.2万元（增长12.4%），主要原因是新增滨河步道养护。", ["新增滨河步道养护"]),
    ("bracket restating, weak trigger", "绿化支出增加46.2万元（增幅12.4%），主要是新增滨河步道养护。", ["新增滨河步道养护"]),
    ("bracket restating a decrease", "印刷费减少3.1万元（下降20.5%），原因为宣传册改为电子版。", ["宣传册改为电子版"]),
    ("bracket holding a reason still is one", "印刷费下降20.5%（宣传册改为电子版）。", ["宣传册改为电子版"]),
    # A weak trigger opening the sentence after a change named without figures.
    ("weak trigger after 有所增加。", "水电费有所增加。主要是新增两处服务网点。", ["新增两处服务网点"]),
    ("weak trigger after 增加较多。", "培训费较上年增加较多。主要是开展全员轮训。", ["开展全员轮训"]),
    ("weak trigger after 个百分点。", "基层支出占比上升3.4个百分点。主要是乡镇事权下沉。", ["乡镇事权下沉"]),
    ("weak trigger after a figure with no unit。", "维修费减少12.6。主要是办公楼维修完工。", ["办公楼维修完工"]),
    ("this-is after a decrease。", "差旅费较上年有所减少。这主要是严控出差人数。", ["严控出差人数"]),
    ("其原因是 after 有所增加。", "水电费有所增加。其原因是新增两处服务网点。", ["新增两处服务网点"]),
    ("；主要是 after two levels", "水电费决算18.5万元，上年15万元；主要是新增两处服务网点。", ["新增两处服务网点"]),
    # A budget compared in words, with no figures.
    ("决算数大于预算数，主要是", "专项支出决算数大于预算数，主要是追加防汛物资采购。", ["追加防汛物资采购"]),
    ("决算数小于预算数，是因为", "专项支出决算数小于预算数，是因为部分工程延期开工。", ["部分工程延期开工"]),
    ("低于年初预算，主要系", "会议费低于年初预算，主要系改为线上会议。", ["改为线上会议"]),
    # 系 after two amounts, or a budget exceeded: the cause of the difference.
    ("系 after two years' levels", "培训费2024年决算数为36.5万元，2023年决算数为30万元，系新增村干部培训。", ["新增村干部培训"]),
    ("系 after budget and spending", "培训费年初预算30万元，全年支出36.5万元，系新增村干部培训。", ["新增村干部培训"]),
    # A note and a two-sided reason after the change.
    ("情况说明：", "邮电费较上年减少0.7万元，情况说明：固定电话改为集团网。", ["固定电话改为集团网"]),
    ("一方面……，另一方面……", "差旅费较上年减少1.6万元，一方面下乡督导改为片区集中，另一方面严控随行人数。",
     ["一方面下乡督导改为片区集中，另一方面严控随行人数"]),
    ("一方面……；另一方面…… after 。", "差旅费较上年减少1.6万元。一方面下乡督导改为片区集中；另一方面严控随行人数。",
     ["一方面下乡督导改为片区集中；另一方面严控随行人数"]),
    # A performance self-evaluation's score: points lost are a shortfall against target.
    ("扣分, strong trigger", "该项目自评得分91分，扣分9分，主要原因是满意度调查样本不足。", ["满意度调查样本不足"]),
    ("自评得分, weak trigger", "该项目自评得分91分，主要是满意度调查样本不足。", ["满意度调查样本不足"]),
    # 由于……，故 + a target missed in words (performance paragraphs).
    ("由于……，故……未能按期完成", "由于设备供货延迟，故监测站点建设未能按期完成。", ["设备供货延迟"]),
    ("由于……，所以……未完成", "由于汛期持续降雨，所以部分堤段加固未完成。", ["汛期持续降雨"]),
    ("系 after 超预算", "培训费超预算6.5万元，系新增村干部培训。", ["新增村干部培训"]),
]

# A purpose after a change, and 系 after one level, are no reason.
NOT_REASONS = [
    ("purpose after 有所增加。", "水电费有所增加。主要为保障新办公区运行。"),
    ("情况说明 in a heading", "一、收入支出决算总体情况说明：本年收入合计500万元。"),
    ("a score with no reason", "该项目自评得分91分。"),
    ("由于……，故 with no change after", "由于天气原因，故活动改期举行。"),
    ("系 after two amounts that compare nothing", "年初结转和结余10万元，年末结转和结余8万元，系项目结余资金。"),
    ("系 after one level", "培训费36.5万元，系村干部培训费用。"),
]


@pytest.mark.parametrize(("text",), [pytest.param(t, id=name) for name, t in NOT_REASONS])
def test_no_reason_is_read_where_none_is_given(text):
    assert _reasons(text) == []


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=name) for name, t, e in FORMS])
def test_the_reason_after_a_statement_form_is_found(text, expected):
    assert _reasons(text) == expected
