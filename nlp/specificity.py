"""Concrete tokens in a cause, in the spirit of Hope, Hu & Lu (2016): amounts,
counts, dates, named documents and projects, units and document numbers.
Not a rule: used by the vague rule and shown in its message."""
import re

CONCRETE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:亿元|万元|元|人次|人|名|个|辆|次|批|项|台|套|户|家|所|件|处|平方米|公里|天|月|%|％)"
    r"|20\d\d\s*年|\d{1,2}\s*月"
    r"|《[^》]{2,40}》"
    r"|[〔\[［]\s*20\d\d\s*[〕\]］]\s*\d+\s*号"
    r"|[\u4e00-\u9fff]{2,12}(?:项目|工程|中心|医院|学校|幼儿园|街道|乡|镇|局|委员会|办公室|大队|站|馆|院|所|公司|大厦|专项|计划|改革|疫情|运动会|博览会|普查)"
)


def concrete_tokens(text: str) -> list[str]:
    return [m.group(0) for m in CONCRETE.finditer(text)]


def specificity(text: str) -> float:
    """Concrete tokens per 10 characters (0 for a cause that names nothing)."""
    chars = len(re.sub(r"\W", "", text))
    return 10 * len(concrete_tokens(text)) / chars if chars else 0.0
