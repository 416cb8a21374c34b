"""Reasons given with no trigger word (nlp/untriggered.py), read through the
public API: before the figures (closed by a result word, opened by a
circumstance, the sentence before 因此), after them (……所致, an action, a
driver's change, 一是……), each with figures on last year, with budget and
actual, and with no figures; and what is no reason (a year, a heading, how the
report is made, the next item's figures, a purpose clause). Every sentence is
invented: units, places and figures are made up."""
from __future__ import annotations

import pytest

from nlp import analyze


def _explanations(text: str):
    return [e for e in analyze("untriggered.txt", text=text, model=None).explanations if e.reason]


# (sentence, the reason, the item explained, its direction)
REASONS = [
    # a cause closed by a result word, with no 因 / 由于 before it
    ("今年新增退休人员3人，导致退休费较上年增加5.2万元，增长12.1%。", "今年新增退休人员3人", "退休费", "increase"),
    ("今年新增退休人员3人，导致退休费较上年有所增加。", "今年新增退休人员3人", "退休费", "increase"),
    ("本年新增退休人员3人，导致退休费决算数为52.6万元，比年初预算增加5.2万元。", "本年新增退休人员3人", "退休费", "increase"),
    ("上年结转项目于本年完工，造成项目支出较上年减少30.1万元。", "上年结转项目于本年完工", "项目支出", "decrease"),
    ("上年结转项目于本年完工，造成项目支出较上年有所减少。", "上年结转项目于本年完工", "项目支出", "decrease"),
    ("部分工程雨季停工，致使项目支出较年初预算减少18.4万元。", "部分工程雨季停工", "项目支出", "decrease"),
    ("新建档案库房投入使用，使得物业管理费较上年增加3.3万元。", "新建档案库房投入使用", "物业管理费", "increase"),
    ("本年度未召开全市性会议，故会议费较上年有所减少。", "本年度未召开全市性会议", "会议费", "decrease"),
    ("本年压减会议数量，从而使会议费较上年减少0.6万元。", "本年压减会议数量", "会议费", "decrease"),
    # a circumstance before the figures: an event, a policy, a motive, a condition
    ("随着乡村道路养护里程增加，本年项目支出较上年增加42.3万元，增长8.2%。", "乡村道路养护里程增加", "本年项目支出", "increase"),
    ("随着乡村道路养护里程增加，本年项目支出较上年有所增加。", "乡村道路养护里程增加", "本年项目支出", "increase"),
    ("随着乡村道路养护里程增加，项目支出决算数为560万元，比年初预算增加42.3万元。", "乡村道路养护里程增加", "项目支出", "increase"),
    ("随着人员增加，加之办公场地扩大，本年公用经费较上年增加9.1万元。", "人员增加，加之办公场地扩大", "本年公用经费", "increase"),
    ("按照机构改革要求，划出职能1项，本年支出较上年减少22万元。", "按照机构改革要求，划出职能1项", "本年支出", "decrease"),
    ("按照过紧日子要求，压减会议费，会议费决算数为2.1万元，比年初预算减少1.2万元。", "按照过紧日子要求，压减会议费", "会议费", "decrease"),
    (
        "根据市级公务用车管理规定，处置老旧车辆2辆，公务用车运行维护费较上年减少1.8万元。",
        "根据市级公务用车管理规定，处置老旧车辆2辆",
        "公务用车运行维护费",
        "decrease",
    ),
    ("依据上级关于压减一般性支出的要求，本年办公费较上年有所减少。", "依据上级关于压减一般性支出的要求", "本年办公费", "decrease"),
    # a purpose before the figures says why the money was spent: a reason (主要用于 after them is not)
    ("为保障防汛工作，本年项目支出较上年增加22万元。", "保障防汛工作", "本年项目支出", "increase"),
    ("为了完成河道清淤任务，项目支出决算数为88万元，比年初预算增加12万元。", "完成河道清淤任务", "项目支出", "increase"),
    ("在财政收支矛盾突出的情况下，本年项目支出较上年减少60.5万元。", "财政收支矛盾突出", "本年项目支出", "decrease"),
    ("在全面推行无纸化办公的背景下，印刷费较上年减少0.9万元。", "全面推行无纸化办公", "印刷费", "decrease"),
    ("在上级部门的大力支持下，本年上级补助收入较上年增加35万元。", "上级部门的大力支持", "本年上级补助收入", "increase"),
    ("全面推行无纸化办公的背景下，印刷费较上年减少0.9万元。", "全面推行无纸化办公", "印刷费", "decrease"),
    ("针对辖区老旧小区改造需求，本年项目支出较上年增加120万元。", "辖区老旧小区改造需求", "本年项目支出", "increase"),
    ("鉴于上年已完成设备更新，本年设备购置费较上年减少14万元。", "上年已完成设备更新", "本年设备购置费", "decrease"),
    ("鉴于上年已完成设备更新，本年设备购置费较上年有所减少。", "上年已完成设备更新", "本年设备购置费", "decrease"),
    ("基于养老保险缴费基数上调，社会保障缴费较上年增加7.7万元。", "养老保险缴费基数上调", "社会保障缴费", "increase"),
    ("得益于非税收入征管加强，本年收入较上年增加35万元。", "非税收入征管加强", "本年收入", "increase"),
    # the reason in the sentence before one opened by 因此 / 所以
    ("本年度单位新增2个事业编制。因此，人员经费较上年增加21.5万元。", "本年度单位新增2个事业编制", "人员经费", "increase"),
    ("今年办公楼完成节能改造。所以水电费较上年减少2.4万元。", "今年办公楼完成节能改造", "水电费", "decrease"),
    (
        "部分采购项目于年底才完成招标。因此，项目支出决算数为120万元，仅完成年初预算的76.3%。",
        "部分采购项目于年底才完成招标",
        "项目支出",
        "decrease",
    ),
    # the reason after the figures, with no trigger
    ("商品和服务支出较上年增加6.4万元，增长9.3%，办公楼维修所致。", "办公楼维修", "商品和服务支出", "increase"),
    ("商品和服务支出决算数为75.2万元，比年初预算增加6.4万元，办公楼维修所致。", "办公楼维修", "商品和服务支出", "increase"),
    ("商品和服务支出较上年有所增加，办公楼维修所致。", "办公楼维修", "商品和服务支出", "increase"),
    ("公务用车运行维护费较上年增加2.1万元，新购置执法车辆1辆。", "新购置执法车辆1辆", "公务用车运行维护费", "increase"),
    ("公务接待费较上年减少0.35万元，公务接待批次减少。", "公务接待批次减少", "公务接待费", "decrease"),
    ("公务接待费决算数为0.5万元，比年初预算减少0.35万元，严格控制接待标准。", "严格控制接待标准", "公务接待费", "decrease"),
    ("公务接待费较上年有所减少，严格控制接待标准。", "严格控制接待标准", "公务接待费", "decrease"),
    (
        "本单位严格落实过紧日子要求，压缩非必要开支。\n公务接待费较上年有所减少。",
        "本单位严格落实过紧日子要求，压缩非必要开支",
        "公务接待费",
        "decrease",
    ),
    (
        "差旅费较上年减少0.8万元，一是出差频次减少，二是严控出差人数。",
        "一是出差频次减少，二是严控出差人数",
        "差旅费",
        "decrease",
    ),
    # a clause after the figures says why, whatever its words
    ("项目支出较上年增加10.75万元，上级下达山洪灾害防治专项补助资金。", "上级下达山洪灾害防治专项补助资金", "项目支出", "increase"),
    ("培训费较上年下降36.8%，培训班由集中面授改为网络视频方式。", "培训班由集中面授改为网络视频方式", "培训费", "decrease"),
    ("本年支出较上年增加30.45万元，背街小巷保洁面积增加约12万平方米。", "背街小巷保洁面积增加约12万平方米", "本年支出", "increase"),
    # an action that opens the sentence before the figures
    ("新增高标准农田建设项目经费，项目支出较上年增加28.06万元。", "新增高标准农田建设项目经费", "项目支出", "increase"),
    ("使用上年结转资金支付文化站工程尾款，本年支出较上年增加14.98万元。", "使用上年结转资金支付文化站工程尾款", "本年支出", "increase"),
]


@pytest.mark.parametrize(("text", "reason", "item", "direction"), REASONS, ids=[r[1][:8] for r in REASONS])
def test_a_reason_with_no_trigger_word_is_found(text, reason, item, direction):
    found = _explanations(text)
    assert [e.reason for e in found] == [reason]
    assert found[0].statement.item == item
    assert found[0].statement.direction == direction
    assert "no_trigger" in found[0].flags


# (sentence, why it has no reason)
NO_REASONS = [
    ("2024年，本单位一般公共预算财政拨款支出较上年增加12.5万元。", "the year and the unit"),
    ("三、一般公共预算财政拨款支出决算情况说明\n本年支出较上年增加12.5万元。", "a heading"),
    ("按照部门决算统计口径，本年支出合计较上年增加12.5万元。", "how the report counts"),
    ("按照支出功能分类，一般公共服务支出较上年增加12.5万元。", "how the report classifies"),
    ("根据本单位2024年度决算，本年支出较上年增加12.5万元。", "where the figures come from"),
    ("根据预算法规定，现将本单位决算公开如下：本年支出较上年增加12.5万元。", "the report's own preamble"),
    ("为做好决算公开工作，现将有关情况说明如下：本年支出较上年增加12.5万元。", "the report's own purpose"),
    ("办公费较上年增加1.2万元，印刷费较上年减少0.4万元。", "the next item's figures"),
    ("办公费较上年增加1.2万元，印刷费基本持平。", "the next item's change"),
    ("项目支出较上年增加80.5万元，主要用于智慧平台运维。", "a purpose clause after the figures"),
    ("本年支出较上年增加12.5万元，其中基本支出增加8万元。", "a part of the change"),
    ("年末结转和结余0万元。因此，本年支出较上年增加12.5万元。", "the sentence before states figures"),
    ("二、收入决算情况\n因此，本年收入较上年增加12.5万元。", "a heading before 因此"),
    ("办公费较上年增加1.2万元，增幅较大。", "more of the same change"),
    ("本年收入较上年增加10万元，导致结余增加。", "a result of the change, not its cause"),
    ("本年收支总体平稳，支出较上年增加12.5万元。", "a clause that is no circumstance"),
    ("为加强财务管理，现将有关情况报告如下：本年支出较上年增加12.5万元。", "a purpose that introduces the report"),
    ("本年支出较上年减少12.5万元，保障了机关正常运转。", "what the money did"),
    ("三公经费较上年减少2.5万元，全县三公经费均实现“双降”。", "where the change stands"),
    ("坪东区会议费减少3.2万元，降幅居各区首位。", "a ranking"),
    ("本年支出较上年减少12.5万元，下一步将继续压减一般性支出。", "a measure to come"),
    ("本年支出较上年减少12.5万元，详见附表5。", "a note"),
    ("本年支出较上年减少12.5万元，占总支出的3.1%。", "a share"),
]


@pytest.mark.parametrize(("text", "why"), NO_REASONS, ids=[w for _, w in NO_REASONS])
def test_what_is_no_reason_is_reported_missing(text, why):
    report = analyze("untriggered.txt", text=text, model=None)
    assert [e.reason for e in report.explanations if e.reason] == [], why
    assert report.missing, why
