"""Features for the cause classifiers (no language model, deterministic).

One cause text becomes a bag of named features in four families. Most are
computed on the cause's `core`: the text without report wrapping — lead-ins
("主要是", "由于", "本年度") and clauses that only restate the change
("导致支出增加", "经费相应减少", "所致") — which says what moved, not why.

``c:``  character n-grams (1-3) of the normalised text, inside runs of
        letters/CJK/digits (punctuation breaks a run); digits are masked to 0
        so "6名" and "12名" share features;
``w:``  word tokens from spaCy ``blank("zh")`` + jieba, digits masked the same way;
``k:``  concept groups written from TAXONOMY.md's definitions of the drivers
        (people, pay, reform, extra money, shortfall, frugality, activity,
        nothing-to-explain, accounting, generic phrasing): one feature per group
        that any of its terms hits, so an unseen synonym still lands in the
        right group;
``q:``  concreteness: numbers, amounts, percentages, dates, counts with units,
        《named documents》, document numbers, named places, projects and events,
        text length, whether the text only restates the change
        ("人员经费减少"), and the words that stand in for a name (个别, 部分,
        a template's XXXX); ``l:`` hits of the vague lexicon (corpora/vague_lexicon.txt);
``x:``  the context, when given: the cause restates its item or section.

`Featurizer` turns feature bags into vectors: ``c:``/``w:`` features are TF-IDF
weighted (sublinear tf, smoothed idf) over a capped vocabulary and L2
normalised; the other families are binary indicators scaled by
``indicator_weight``. Vectors are returned as CSR arrays (`Rows`) so that
prediction needs numpy only (no scikit-learn, no scipy).
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import lru_cache, partial
from typing import NamedTuple

import numpy as np

from nlp.normalize import chain, drop_punctuation, drop_spaces, fold_case, fold_width, mask_figures

# Bump when the features a text produces change: a model records the version
# it was trained with and is refused by code that computes different features.
FEATURES_VERSION = 3

_NLP = None


def tokenizer():
    """The spaCy ``blank("zh")`` pipeline with the jieba segmenter (built once)."""
    global _NLP
    if _NLP is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on stderr
        import spacy

        _NLP = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    return _NLP


# ------------------------------------------------------------------ normalising

_RUN = re.compile(r"\w+")  # letters, CJK and digits; punctuation separates runs

# The text every feature is computed on: width folded, no whitespace, lower case.
normalise = chain(fold_width, drop_spaces, fold_case)
# Figures masked as one ("1,234.5" -> "0"); punctuation dropped with "_" kept,
# as the bundled models were trained.
mask_digits = partial(mask_figures, grouped=True)
_strip_punct = partial(drop_punctuation, keep_underscore=True)


@lru_cache(maxsize=1 << 16)
def words(text: str) -> tuple[str, ...]:
    """Word tokens of a (normalised) text from spaCy + jieba, punctuation dropped."""
    doc = tokenizer().tokenizer(text)
    return tuple(mask_digits(t.text) for t in doc if not (t.is_punct or t.is_space))


def char_ngrams(masked: str, n_min: int = 1, n_max: int = 3) -> list[str]:
    out: list[str] = []
    for run in _RUN.findall(masked.replace("_", " ")):
        for n in range(n_min, n_max + 1):
            out.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return out


# -------------------------------------------------------------- concept groups
# Written from the definitions in TAXONOMY.md (and ordinary budget vocabulary),
# not from any evaluation text. Matched as substrings of the normalised text.

CONCEPTS: dict[str, tuple[str, ...]] = {
    "reform": (
        "机构改革", "体制改革", "改革方案", "职能划", "划转", "划入", "划出", "转隶", "合并", "撤并",
        "撤销", "分设", "分离", "组建", "新成立", "成立", "挂牌", "更名", "整合", "重组", "移交",
        "预算级次", "级次", "隶属", "代管", "汇总范围", "汇总口径", "纳入汇总", "纳入部门决算",
        "不再纳入", "决算范围", "独立核算", "内设机构", "管理体制", "转制",
    ),
    "people": (
        "人员", "在职", "在编", "编制", "退休", "离休", "离退休", "录用", "招聘", "招录", "新进",
        "调入", "调出", "调离", "辞职", "死亡", "去世", "病故", "遗属", "人数", "聘用", "职工",
        "公务员", "干部", "教师", "辅警", "临聘", "编外", "岗位", "职级", "晋升", "晋级",
    ),
    "pay": (
        "工资", "薪酬", "薪资", "绩效", "奖金", "奖励性", "津贴", "补贴", "年金", "养老保险",
        "医疗保险", "社会保险", "社保", "失业保险", "工伤保险", "公积金", "缴费基数", "基数",
        "增资", "调资", "抚恤", "离退休费", "退休费", "工资福利", "生活补助", "取暖费", "降温费",
    ),
    "extra_money": (
        "追加", "新增项目", "新增专项", "上级", "下达", "转移支付", "专项资金", "专项经费", "补助资金",
        "结转", "结余资金", "一次性", "专项债", "债券资金", "拨入", "下拨", "调增", "预备费",
        "项目经费", "中央资金", "省级资金",
    ),
    "shortfall": (
        "财力", "有限", "不足", "紧张", "未拨付", "未到位", "未到账", "未支付", "未能支付",
        "无法支付", "欠款", "拖欠", "欠缴", "收回", "上缴", "交回", "调减预算", "压缩预算",
        "资金困难", "未下达", "延迟拨付", "拨付滞后", "国库", "暂缓", "缓拨",
    ),
    "frugality": (
        "过紧日子", "厉行节约", "节约", "勤俭", "压减", "压缩", "八项规定", "严控", "严格控制",
        "控制", "一般性支出", "三公", "公务用车改革", "车改", "精简", "节俭", "降本", "从严",
    ),
    "activity": (
        "会议", "培训", "接待", "检查", "督查", "考察", "调研", "活动", "举办", "承办", "赛事",
        "运动会", "展会", "完工", "竣工", "延期", "推迟", "进度", "采购", "维修", "修缮", "装修",
        "改造", "合同", "单价", "价格", "面积", "数量", "批次", "次数", "开展", "实施", "建设",
        "运维", "租赁", "购置", "工作量", "业务量", "服务", "疫情",
    ),
    "nothing": (
        "无差异", "无变化", "持平", "一致", "相同", "未发生", "无此项", "没有", "未安排",
        "按预算执行", "严格按", "无因公", "无公务", "不涉及", "未超支", "无结余",
    ),
    "accounting": (
        "科目", "核算", "会计", "分类", "列支", "调整至", "调整到", "口径", "记账", "账务",
        "差错", "重分类", "功能分类", "经济分类", "统计",
    ),
    "generic": (
        "工作需要", "业务需要", "实际需要", "工作安排", "实际情况", "据实", "实际发生", "情况变化",
        "按需", "正常",
    ),
}
_CONCEPT_RE = {k: re.compile("|".join(map(re.escape, sorted(v, key=len, reverse=True)))) for k, v in CONCEPTS.items()}

# ------------------------------------------------------------- concreteness
_CN_NUM = "一二两三四五六七八九十百千"
_UNITS = "名|人次|人|个|辆|台次|台|次|批|项|场|件|所|家|套|户|期|天|处|座|条|公里|平方米|米|亩|间|份|册|篇|课时|学时"
CONCRETE: dict[str, re.Pattern] = {
    "num": re.compile(r"\d"),
    "amount": re.compile(r"(?<![\d,.])\d[\d,.]*(?:亿元|万元|元)"),
    "pct": re.compile(r"(?<![\d.])\d[\d.]*%|百分点"),
    "date": re.compile(r"(?:19|20)\d\d年|\d{1,2}月|\d{1,2}日"),
    "qty": re.compile(rf"(?<![\d,.])\d[\d,.]*(?:{_UNITS})|(?<![{_CN_NUM}])[{_CN_NUM}]+(?:{_UNITS})(?!性)"),
    "book": re.compile(r"《[^》《]{2,60}》"),
    "quote": re.compile(r"[“\"][^“”\"]{2,60}[”\"]"),
    "docno": re.compile(r"[〔\[(（]\s*(?:19|20)\d\d\s*[〕\])）]\s*\d+\s*号|(?<!\d)\d+号文"),
    "place": re.compile(r"(?<![本全各该我其])[\u4e00-\u9fff]{2,5}(?:省|自治区|市|县|区|旗|镇|乡|街道|村|社区)(?![级属委内])"),
    "project": re.compile(
        r"(?<![部个相有其各该本此上下])[\u4e00-\u9fff]{3,12}(?:项目|工程|行动|平台|系统|大厦|大楼|运动会|博览会|展览|论坛|普查|工作站)"
    ),
    # a named event: weather, a disaster, an epidemic, a numbered edition (TAXONOMY: not vague)
    "event": re.compile(r"高温|低温|降雨|暴雨|降水|台风|洪水|洪涝|汛情|干旱|旱情|地震|雨雪|冰冻|寒潮|暴雪|疫情|新冠|猪瘟"
                        r"|禽流感|第[\d一二三四五六七八九十]+[届次](?!会议)|首届"),
}
# The opposite of concrete: words that stand in for what was not named.
UNNAMED: dict[str, re.Pattern] = {
    "hedge": re.compile(r"个别|部分|一些|某些|若干"),  # "个别项目", "部分工作"
    "placeholder": re.compile(r"x{3,}|×{2,}|某某|(?:说明|填写)原因"),  # the template's words left in
}
_GENERIC_PLACE = re.compile(r"^(?:本级|市级|县级|区级|上级|下级)")
_RESTATE = re.compile(
    r"^(?:本年度?|今年|当年|本单位|我单位|主要|由于|因)*"
    r"[\u4e00-\u9fff]{0,8}(?:经费|支出|收入|费用|资金|预算|拨款|费|数)"
    r"(?:相应|有所|较上年|比上年|同比|较大幅度|大幅)?(?:增加|减少|增长|下降|减少所致|增加所致|增多|减小)(?:所致)?$"
)
_LENGTH_BINS = (6, 12, 20, 35)
# The size of the change after its direction ("减少903.68万元") does not make a restatement concrete.
_FIGURE_TAIL = re.compile(r"(?:\d[\d,.]*(?:万元|亿元|億元|元|%|个百分点))+$")


_LEAD = re.compile(r"^(?:(?:主要|其中|首先)?(?:原因)?(?:是|系|为|由于|因为|因|在于)|[一二三四五六七八九十]是|本年度?|今年|当年|[,，:：])+")
_TAILS = ("所致", "等原因", "等因素", "的原因", "造成的", "引起的", "导致的", "影响")
# A cause is at most a reason long; longer text (a hostile table cell) is cut
# so that every pattern below sees bounded input.
MAX_CAUSE = 600


def _strip_tail(text: str) -> str:
    """Drop closing words ("…所致", "…等原因") however many are stacked."""
    while text.endswith(_TAILS):
        text = text[: -len(next(t for t in _TAILS if text.endswith(t)))]
    return text
_MONEY = "支出|经费|费用|收入|决算数|预算数|资金|开支|拨款|成本|费"
_CONNECTOR = "从而|进而|因此|因而|所以|由此|导致|致使|使得|造成|引起|带来"
_SPLIT = re.compile(rf"[,，;；。]|(?=(?:{_CONNECTOR}))")
_RESTATE_CLAUSE = re.compile(
    rf"^(?:并|也|而|故)?(?:{_CONNECTOR})"
    rf"|(?:{_MONEY})[^,，;；]{{0,12}}(?:相应|随之|有所|同比|较上年|比上年|较年初|大幅|略有)?[^,，;；]{{0,4}}"
    rf"(?:增加|减少|增长|下降|上升|降低|持平|增多|减小|大于|小于|高于|低于|超过|节约)了?[^,，;；]{{0,6}}$"
)
_QUOTED_SLOGANS = ("三公", "过紧日子", "八项规定", "放管服", "最多跑一次", "一网通办", "四风")


@lru_cache(maxsize=1 << 14)
def core(text: str) -> str:
    """The cause without its report wrapping: lead-ins ("主要是", "由于",
    "本年度") and clauses that only restate the change ("导致支出增加",
    "经费相应减少", "所致"). The text itself when nothing else is left."""
    text = text[:MAX_CAUSE]
    clauses = [c for c in _SPLIT.split(text) if c]
    kept = [c for c in clauses if not _RESTATE_CLAUSE.search(c)]
    out = "，".join(kept)
    out = _strip_tail(_LEAD.sub("", out))
    return out if len(_strip_punct(out)) >= 2 else text


@lru_cache(maxsize=1 << 14)
def concreteness(text: str) -> tuple[str, ...]:
    """Concreteness indicators of a normalised (NFKC, no whitespace) text,
    measured on its `core` so that report wrapping neither adds length nor
    hides that the text restates the change."""
    whole = text
    text = core(text)
    hits = [name for name, rx in CONCRETE.items() if rx.search(text)]
    if "quote" in hits and all(
        any(s in m.group() for s in _QUOTED_SLOGANS) for m in CONCRETE["quote"].finditer(text)
    ):
        hits.remove("quote")
    if "place" in hits and all(_GENERIC_PLACE.match(m.group()) for m in CONCRETE["place"].finditer(text)):
        hits.remove("place")
    out = [f"q:{h}" for h in hits] + [f"q:{name}" for name, rx in UNNAMED.items() if rx.search(text)]
    n = len([h for h in hits if h != "num"])
    out.append("q:concrete0" if n == 0 else "q:concrete1" if n == 1 else "q:concrete2+")
    length = len(_strip_punct(text))
    out.append("q:len" + str(sum(length > b for b in _LENGTH_BINS)))
    if _RESTATE.match(_FIGURE_TAIL.sub("", _strip_punct(text))) or (text == whole and _RESTATE_CLAUSE.search(_strip_punct(whole[:MAX_CAUSE]))):
        out.append("q:restate")
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def concepts(text: str) -> tuple[str, ...]:
    return tuple(f"k:{k}" for k, rx in _CONCEPT_RE.items() if rx.search(text))


def lexicon_hits(text: str, lexicon: tuple[str, ...]) -> list[str]:
    """``l:`` features: any hit, two or more, and share of the text covered."""
    if not lexicon:
        return []
    plain = _strip_punct(text)
    found = [phrase for phrase in lexicon if phrase in plain]
    if not found:
        return ["l:none"]
    hits = len(found)
    covered = bytearray(len(plain))  # 1 where some phrase covers the character
    for phrase in found:
        start = plain.find(phrase)
        while start >= 0:
            covered[start : start + len(phrase)] = b"\x01" * len(phrase)
            start = plain.find(phrase, start + 1)
    share = covered.count(1) / max(1, len(plain))
    out = ["l:any"]
    if hits >= 2:
        out.append("l:2+")
    if share >= 0.5:
        out.append("l:half")
    if share >= 0.8:
        out.append("l:most")
    return out


def normalise_lexicon(phrases) -> tuple[str, ...]:
    """Normalised, de-duplicated, sorted lexicon phrases (comments/blank lines dropped)."""
    out = set()
    for p in phrases:
        p = p.strip()
        if p and not p.startswith("#"):
            p = _strip_punct(normalise(p))
            if p:
                out.add(p)
    return tuple(sorted(out))


# ------------------------------------------------------------------ context

# Direction and money words: without them a cause says what moved ("工资增加" -> "工资").
_MOVED = re.compile(
    r"(?:相应|有所|较上年|比上年|同比|较大幅度|大幅|略有|较大)?(?:增加|减少|增长|下降|上升|降低|增多|减小|变动|变化|调整|持平)了?$"
)
_MONEY_SUFFIX = re.compile(r"(?:支出|经费|费用|资金|收入|开支|拨款|费|数|额)+$")
_ITEM_SPLIT = re.compile(r"[、/;；,，]")


def _moved(text: str) -> str:
    return _MONEY_SUFFIX.sub("", _MOVED.sub("", _FIGURE_TAIL.sub("", _strip_punct(_LEAD.sub("", text)))))


def split_context(x) -> tuple[str, str | None, str | None]:
    """(text, item, section) of what the estimators take: a cause text, a
    (text, item[, section]) tuple or a dict with those keys."""
    if isinstance(x, str):
        return x, None, None
    if isinstance(x, dict):
        return str(x.get("text", "")), x.get("item") or None, x.get("section") or None
    text, *rest = x
    return str(text), (rest[0] if rest else None) or None, (rest[1] if len(rest) > 1 else None) or None


@lru_cache(maxsize=1 << 14)
def context_features(norm: str, item: str | None, section: str | None) -> tuple[str, ...]:
    """``x:restates`` when the cause only restates the item (or section heading) it
    explains ("工资增加" for 工资福利支出 names no driver). Only that: a feature that
    is on for every cause with context would mark real-report lines (the training
    lines with context) and shift every cause of a report towards them."""
    if not item and not section:
        return ()
    moved = _moved(core(norm))
    names = [_MONEY_SUFFIX.sub("", _strip_punct(p)) for w in (item, section) for p in _ITEM_SPLIT.split(normalise(w or ""))]
    if any(len(n) >= 2 and (not moved or moved in n or (len(moved) <= len(n) + 1 and n in moved)) for n in names):
        return ("x:restates",)
    return ()


# ---------------------------------------------------------------- featurizer


def feature_bag(
    text: str,
    *,
    char_ngrams_range: tuple[int, int] = (1, 3),
    use_words: bool = True,
    use_concepts: bool = True,
    use_concrete: bool = True,
    use_core: bool = False,
    lexicon: tuple[str, ...] = (),
    item: str | None = None,
    section: str | None = None,
) -> list[str]:
    """All features of one cause text (in the context of its item and
    section when given), as names (with repeats: counts matter)."""
    norm = normalise(text)
    feats = list(_text_features(norm, use_core, tuple(char_ngrams_range), use_words))
    if use_concepts:
        feats.extend(concepts(core(norm)))
    if use_concrete:
        feats.extend(concreteness(norm))
    feats.extend(lexicon_hits(norm, lexicon))
    feats.extend(context_features(norm, item, section))
    return feats


@lru_cache(maxsize=1 << 14)
def _text_features(norm: str, use_core: bool, ngrams: tuple[int, int], use_words: bool) -> tuple[str, ...]:
    """``c:`` and ``w:`` features of a normalised text (cached: both models ask)."""
    base = core(norm) if use_core else norm
    feats = ["c:" + g for g in char_ngrams(mask_digits(base), *ngrams)]
    if use_words:
        feats.extend("w:" + w for w in words(base))
    return tuple(feats)


def _weighted(name: str) -> bool:
    return name[:2] in ("c:", "w:")


class Featurizer:
    """Feature bags -> vectors over a vocabulary learned by `fit`.

    Parameters are plain values (stored in the model file); `vocabulary_`
    (list of feature names, index order), `idf_` and `weighted_` (mask of
    TF-IDF features) are learned.
    """

    def __init__(
        self,
        *,
        char_ngrams_range=(1, 3),
        use_words=True,
        use_concepts=True,
        use_concrete=True,
        use_core=False,
        lexicon=(),
        min_df=2,
        max_features=20000,
        indicator_weight=1.0,
    ):
        self.char_ngrams_range = tuple(char_ngrams_range)
        self.use_words = use_words
        self.use_concepts = use_concepts
        self.use_concrete = use_concrete
        self.use_core = use_core
        self.lexicon = tuple(lexicon)
        self.min_df = min_df
        self.max_features = max_features
        self.indicator_weight = indicator_weight

    def bag(self, text: str, item: str | None = None, section: str | None = None) -> list[str]:
        return feature_bag(
            text,
            item=item,
            section=section,
            char_ngrams_range=self.char_ngrams_range,
            use_words=self.use_words,
            use_concepts=self.use_concepts,
            use_concrete=self.use_concrete,
            use_core=self.use_core,
            lexicon=self.lexicon,
        )

    def fit(self, bags: list[list[str]]) -> Featurizer:
        df: Counter = Counter()
        for bag in bags:
            df.update(set(bag))
        weighted = [(f, n) for f, n in df.items() if _weighted(f) and n >= self.min_df]
        # most frequent first; ties by name so the vocabulary is deterministic
        weighted.sort(key=lambda fn: (-fn[1], fn[0]))
        if self.max_features:
            weighted = weighted[: self.max_features]
        indicators = sorted(f for f in df if not _weighted(f))
        vocab = sorted(f for f, _ in weighted) + indicators
        n_docs = len(bags)
        self.vocabulary_ = vocab
        self.index_ = {f: i for i, f in enumerate(vocab)}
        self.weighted_ = np.array([_weighted(f) for f in vocab], dtype=bool)
        self.idf_ = np.array(
            [np.log((1 + n_docs) / (1 + df[f])) + 1.0 if w else 1.0 for f, w in zip(vocab, self.weighted_)],
            dtype=np.float64,
        )
        return self

    def set_learned(self, vocabulary: list[str], idf: np.ndarray) -> Featurizer:
        self.vocabulary_ = list(vocabulary)
        self.index_ = {f: i for i, f in enumerate(self.vocabulary_)}
        self.weighted_ = np.array([_weighted(f) for f in self.vocabulary_], dtype=bool)
        self.idf_ = np.asarray(idf, dtype=np.float64)
        return self

    def transform_bags(self, bags) -> Rows:
        """The vectors of feature bags, as CSR rows; unknown features are ignored.

        c:/w: features get sublinear tf times idf, L2-normalised per row;
        indicators get `indicator_weight`. All rows are computed at once
        (one sort over every bag) rather than one numpy call per bag."""
        # Every bag's features looked up in one pass (-1: unknown), their rows beside them.
        lengths = [len(bag) for bag in bags]
        cols = np.array(list(map(self.index_.get, itertools.chain.from_iterable(bags), itertools.repeat(-1))), dtype=np.int64)
        rows = np.repeat(np.arange(len(bags), dtype=np.int64), lengths)
        known = cols >= 0
        n, width = len(bags), len(self.vocabulary_)
        keys, tf = np.unique(rows[known] * width + cols[known], return_counts=True)
        row, idx = np.divmod(keys, width)
        w = self.weighted_[idx]
        val = np.where(w, (1.0 + np.log(tf)) * self.idf_[idx], self.indicator_weight)
        norm = np.sqrt(np.bincount(row, weights=np.where(w, val * val, 0.0), minlength=n))[row]
        val = np.where(w & (norm > 0), val / np.where(norm > 0, norm, 1.0), val)
        indptr = np.searchsorted(row, np.arange(n + 1)).astype(np.int64)
        return Rows(indptr, idx, val)


class Rows(NamedTuple):
    """Sparse rows (CSR arrays) of feature vectors, numpy only."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


def to_csr(rows: Rows, n_features: int):
    """The rows as a scipy CSR matrix (training only)."""
    from scipy.sparse import csr_matrix

    return csr_matrix((rows.data, rows.indices, rows.indptr), shape=(len(rows.indptr) - 1, n_features))


def scores(rows: Rows, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Linear scores (n_texts x n_outputs) with numpy only."""
    n = len(rows.indptr) - 1
    out = np.tile(intercept, (n, 1))
    lengths = np.diff(rows.indptr)
    if not lengths.sum():
        return out
    contrib = coef[:, rows.indices] * rows.data  # n_outputs x total features
    nonempty = np.nonzero(lengths)[0]
    out[nonempty] += np.add.reduceat(contrib, rows.indptr[nonempty], axis=1).T
    return out


def bigrams(text: str) -> set[str]:
    """The character bigrams of a text with digits masked and punctuation
    dropped: what near-duplicate comparisons of causes are made on."""
    t = mask_digits(_strip_punct(normalise(text)))
    return {t[k : k + 2] for k in range(len(t) - 1)} or {t}
