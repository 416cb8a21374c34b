import re
from typing import ClassVar

from nlp.normalize import plain
from nlp.rules import Rule, quote
from nlp.vocabulary import Evidence, Kind, Severity

# Words that say only that something moved: direction, size, time, amounts, filler.
_MOVEMENT = re.compile(
    r"(?:比|较|与|同)(?:年初|全年|调整后?的?)?预算数?|超出预算|賸余|賸|剩余"  # before 超出 and 余: "较预算数多征", "賸余"
    r"|增加|减少|增长|下降|降低|上升|提高|变化|变动|持平|增减|相抵|多出|较多|较少|多收|少收|超收|短收|多征|少征|超出|剩余|结余|少|多"
    r"|本年度|本年|今年|当年|上年度|上年|去年|较上年|比上年|同比|与上年相比|同上年相比"
    r"|亿元|万元|元|余|约"
    r"|相应|导致|致使|使得|从而|所以|因此|造成|引起|带动|随之|有所|略有|明显|显著|较大|大幅|部分|主要|均|都|也|各"
    r"|以及|和|及|与|或|等|的|了|是|为|有|由于|因|包括|其中"
    r"|本单位|我单位|本部门|本院|本校|我局|本局|我委"
)
# Generic words for money and accounting components.
_COMPONENTS = re.compile(
    r"基本支出|项目支出|人员经费|公用经费|财政拨款|事业收入|经营收入|其他收入|上级补助|专项资金|专项经费"
    r"|年初结转和结余|年末结转和结余|结转和结余|结转结余|结余|结转|年初|年末|年终|总"
    r"|收入|支出|经费|资金|费用|拨款|预算数|决算数|预算|决算|金额|总额|规模|总体|合计|总计|净额|数额"
)
# Lines of the accounts named as what moved ("公务用车运行费", "卫生健康支出和
# 社会保障和就业支出", "非税收入"): naming the line restates the change.
_ACCOUNT_LINES = re.compile(r"(?:[\u4e00-\u9fff（）()“”]{1,20}?(?:费|支出|收入)(?:（[类款项]）)?)+")
# The lines of the economic classification and the two kinds of spending, as
# _MOVEMENT leaves them ("商品和服务支出" -> "商品服务支出"): a component, even
# where a driver word is inside ("工资福利支出", "项目支出").
_STANDARD_LINES = re.compile(
    r"(?:工资福利支出|商品服务支出|对个人家庭补助(?:支出)?|资本性支出|对企业补助(?:支出)?|基本支出|项目支出|人员经费|公用经费)+"
)
# Words that name a driver, so that "青禾路改造工程支出" or "普查经费" is not a
# bare line of the accounts.
_DRIVER = re.compile(
    r"项目|工程|建设|改造|设施|维修|购置|普查|调查|业务|任务|活动|会议|培训|人员|人数|工资|标准|政策|改革"
    r"|划转|新增|新建|未发生|未安排|取消|压减|压缩|从严|严格|控制|落实|执行|规定|补助|补贴|奖励|抚恤"
    r"|根据|按照|调整|需要|部署|要求"
)


class Restated(Rule):
    """The reason only restates the change ("收入减少" for a fall in income,
    "项目支出增加" for a rise in project spending, "卫生健康支出减少 903.68 万元、
    社会保障和就业支出减少 412.55 万元" for a fall in the total): once the item,
    the lines of the accounts that moved, the amounts and the direction words
    are taken away, nothing is left that says why the money moved. Or it
    repeats the statement's own words ("事业收入……为开展专业业务活动取得的收入
    ……主要是开展专业业务活动取得的收入有所增长")."""

    code = "JS202"
    name = "restated"
    zh = "复述变动"
    severity = Severity.WARNING
    evidence = Evidence.MISSING
    summary = "reason restates the change"
    summary_zh = "原因只是复述变动"
    rationale_zh = (
        "原因只是复述变动（收入减少时写“收入减少”，项目支出增加时写“项目支出增加”），或重复说明本身的文字：去掉项目名称、变动的科目、金额和方向词之后，没有任何内容说明钱为什么变动。它会取代同一说明上的“原因含糊”问题。"
    )
    example = "项目支出比上年增加 30.00 万元，主要原因是项目支出增加。"
    options: ClassVar[dict] = {"max_left": 2}
    supersedes = ("JS201",)  # a restatement is vague too: one finding, not two

    def check(self, report, options):
        for e in report.explanations:
            if e.kind != Kind.NARRATIVE or not e.causes:
                continue
            item = plain(e.statement.item or "")
            item_parts = [p for p in re.split(r"（[类款项]）|[（）()、，/]", item) if len(p) >= 2]
            left = [c for c in e.causes if _left(c.text, item_parts) > options["max_left"]]
            if left:
                # What the paragraph said up to the statement's end (report.text is normalised).
                start = max(report.text.rfind("\n", 0, e.span[0]) + 1, e.span[0] - 200)
                said = report.text[start : e.statement.end]
                if e.span[0] < e.statement.start:  # the reason comes first: not part of what it repeats
                    said = report.text[start : e.span[0]] + report.text[e.statement.start : e.statement.end]
                said = _bare(said)
                left = [c for c in left if not _repeats(c.text, said)]
            if not left:
                reason, item = quote(e.reason), e.statement.item
                if all(_PLACEHOLDER.fullmatch(_bare(plain(c.text))) for c in e.causes):
                    # The template's "XXXXXXXX" is nothing restated: say what the reader sees.
                    yield self.finding(f"{item or '该项目'}的原因栏只有模板占位符，未写原因：{reason}",
                                       f"the reason of {item or 'the item'} is only a template placeholder: {reason}", [e])
                    continue
                yield self.finding(f"原因只是复述{item or '该项目'}的变动：{reason}",
                                   f"reason restates the change to {item or 'the item'}: {reason}", [e])


def _left(text: str, item_parts: list[str]) -> int:
    """How many characters of the cause say something beyond the change."""
    left = 0
    items = [_bare(item) for item in sorted(item_parts, key=len, reverse=True)]  # longest first
    for part in _PARTS.split(plain(text)):
        core = _MOVEMENT.sub("", _NOT_WORD.sub("", _PLACEHOLDER.sub("", _YEARS.sub("", part))))
        lines = _ACCOUNT_LINES.fullmatch(core) or _STANDARD_LINES.fullmatch(core)
        if not core or (lines and (_STANDARD_LINES.fullmatch(core) or not _DRIVER.search(core))):
            continue
        for item in items:
            core = core.replace(item, "")
        left += len(_COMPONENTS.sub("", core))
    return left


_PARTS = re.compile(r"[、，,；;]|以及")
_YEARS = re.compile(r"\d{2,4}\s*年度?")
_PLACEHOLDER = re.compile(r"[XxＸ×]{2,}")  # a template's "XX项目支出增加"
_NOT_WORD = re.compile(r"[\W\d_]")
_PUNCT = re.compile(r"[\W_]")


def _bare(text: str) -> str:
    return _PUNCT.sub("", text)


def _repeats(cause: str, said: str) -> bool:
    """Half the cause or more (8 characters at least) is one run of the words before it."""
    cause = _bare(plain(cause))
    run = max(8, (len(cause) + 1) // 2)
    return any(cause[i : i + run] in said for i in range(len(cause) - run + 1))
