"""Invented final-account reports and reasons, for tests and benchmarks
(bench/bench_batch.py).

Everything here is made up from small word lists written for juesuan: no
real unit, no real report. `write_corpus` writes a folder of reports of
many units over several years with *planted* copies — a reason copied into
another unit's report (verbatim or lightly edited), and a unit's reason for
an item kept from the previous year while its figures changed — and returns
the truth, so a test can check that every planted copy is found and that
no two unrelated reasons are called copies.
"""
# ruff: noqa: SIM905 - the word lists read best as space-separated strings
from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

_DISTRICT = "城西 城东 城南 城北 河湾 东港 西山 南湖 北岭 青石 白沙 柳岸 松林 枫桥 石门 云溪 金沙 玉泉 龙潭 凤鸣 桃源 梅川 竹园 兰亭 杏花 荷塘 芦洲 桂林 柏树 槐安".split()
_LEVEL = ["区", "县", "镇"]
_DEPT = (
    "财政局 教育局 文化和旅游局 卫生健康委员会 民政局 水务局 住房和城乡建设局 农业农村局 市场监督管理局 "
    "生态环境局 交通运输局 自然资源局 应急管理局 司法局 人力资源和社会保障局 统计局 审计局 档案馆 图书馆 "
    "文化馆 疾病预防控制中心 退役军人事务局 医疗保障局 体育局 科学技术局 商务局 城市管理局 机关事务管理局"
).split()
_ITEMS = [
    ("一般公共服务支出", "财政事务", "行政运行"),
    ("一般公共服务支出", "统计信息事务", "专项统计业务"),
    ("一般公共服务支出", "审计事务", "审计业务"),
    ("教育支出", "普通教育", "小学教育"),
    ("教育支出", "职业教育", "中等职业教育"),
    ("文化旅游体育与传媒支出", "文化和旅游", "群众文化"),
    ("文化旅游体育与传媒支出", "文化和旅游", "图书馆"),
    ("文化旅游体育与传媒支出", "文物", "文物保护"),
    ("社会保障和就业支出", "民政管理事务", "基层政权建设和社区治理"),
    ("社会保障和就业支出", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出"),
    ("卫生健康支出", "公共卫生", "疾病预防控制机构"),
    ("卫生健康支出", "行政事业单位医疗", "行政单位医疗"),
    ("节能环保支出", "污染防治", "水体"),
    ("城乡社区支出", "城乡社区管理事务", "城管执法"),
    ("城乡社区支出", "城乡社区环境卫生", "城乡社区环境卫生"),
    ("农林水支出", "农业农村", "农业生产发展"),
    ("农林水支出", "水利", "防汛"),
    ("交通运输支出", "公路水路运输", "公路养护"),
    ("自然资源海洋气象等支出", "自然资源事务", "自然资源调查与确权登记"),
    ("住房保障支出", "住房改革支出", "住房公积金"),
    ("灾害防治及应急管理支出", "应急管理事务", "安全监管"),
    ("科学技术支出", "技术研究与开发", "科技成果转化与扩散"),
]
# Concrete, checkable reasons are made of a place, a facility, what happened
# to it and what that did to the spending; each part is put together from
# short word lists, so that two reasons share at most their template.
_PLACE_A = "青 白 柳 松 枫 石 云 金 玉 龙 凤 桃 梅 竹 兰 杏 荷 芦 桂 柏 槐 杉 榆 樟 茶 菱 莲 苇 蒲 橙".split()
_PLACE_B = "湾 港 桥 塘 坪 岭 园 林 洲 溪 湖 山 坝 浦 泾 埠 渡 庄 营 垸".split()
_MODIFIER = "智慧 综合 应急 区级 街道 社区 乡村 公共 数字 标准化 第二 东区 西区 滨江 临港 新城 老城 中心 示范 便民".split()
_FACILITY_BASE = (
    "卫生服务站 垃圾中转站 排涝泵站 污水泵站 文化站 书屋 养老服务中心 日间照料中心 停车场 农贸市场 "
    "健康驿站 党群服务中心 消防救援站 避难场所 安防小区 保洁码头 口袋公园 健身步道 文明实践站 老年大学 "
    "儿童之家 教育基地 科普馆 档案库房"
).split()
_VERB = "完成 启动 实施 开展 推进 追加 暂停 延期 提前 分期".split()
_OBJECT = (
    "提标改造 主体维修 扩容工程 设备更新 搬迁 安保外包 物业外包 保洁加密 延时开放 智能化升级 竣工验收 "
    "托管移交 消防整改 屋面防水 管网疏通"
).split()
_COST = (
    "运维经费 物业费 保洁费 电费 设备购置费 工程款 委托服务费 租金 维修费 培训费 咨询费 监理费 检测费 "
    "保险费 耗材费 安保费 信息化运维费 图书采购费 绿化养护费 燃气费"
).split()
_DIRECTION = "相应增加 同步增加 有所下降 大幅减少 集中支付 不再发生 随之调整 按合同结算".split()
_ACTION = [v + o for v in _VERB for o in _OBJECT]
_EFFECT = [c + d for c in _COST for d in _DIRECTION]
_PEOPLE = "新录用公务员 新招录专业技术人员 退休人员 选调干部 编外聘用人员 社区工作者 辅警".split()
_PEOPLE_EFFECT = "人员经费增加 工资福利支出相应增加 社会保险缴费增加 人员支出减少 年度考核奖发放增加".split()
VAGUE = ["工作需要", "业务量增加", "支出增加", "人员变动", "按实际需要调整"]


def unit_names(n: int, rng: random.Random) -> list[str]:
    """n distinct invented unit names (district + level + department)."""
    pool = [d + lv + dept for d in _DISTRICT for lv in _LEVEL for dept in _DEPT]
    rng.shuffle(pool)
    if n > len(pool):
        raise ValueError(f"at most {len(pool)} units")
    return pool[:n]


_PLACE_C = "东 西 南 北 中 上 下 前 后 新 老 大 小 长 高 平 安 和 兴 丰".split()


class ReasonMaker:
    """Distinct concrete reasons. Each names a place no other reason names
    (3 characters, 4 once 12,000 are spent) and, as long as the word lists
    allow, a combination of facility, action and effect no other reason of
    its template has: two unrelated reasons share at most a template."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[tuple] = set()
        self._places = self._place_names()
        self._misses = 0  # once the combinations are spent, stop looking

    def _place_names(self):
        rng = self.rng
        three = [a + b + c for a in _PLACE_A for b in _PLACE_B for c in _PLACE_C]
        rng.shuffle(three)
        yield from three
        four = [p + c for p in three for c in _PLACE_C]
        rng.shuffle(four)
        yield from four

    def _parts(self) -> tuple[str, str, str, str]:
        """A template and the words to fill it."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.15:
            return "people", rng.choice(_PEOPLE), rng.choice(_PEOPLE_EFFECT), ""
        template = "plain" if kind < 0.6 else "month" if kind < 0.85 else "list"
        a = rng.choice(_MODIFIER) + rng.choice(_FACILITY_BASE)
        return template, a, rng.choice(_ACTION), rng.choice(_EFFECT)

    def one(self) -> str:
        rng = self.rng
        place = next(self._places)
        tries = 60 if self._misses < 100 else 1
        for attempt in range(tries):
            key = template, a, b, c = self._parts()
            if key not in self.used or attempt == tries - 1:
                self._misses += key in self.used
                self.used.add(key)
                break
        if template == "people":
            return f"{place}片区{a}{rng.randint(2, 30)}名，{b}"
        if template == "plain":
            return f"{place}{a}{b}，{c}"
        if template == "month":
            return f"{place}{a}于{rng.randint(1, 12)}月{b}，{c}{rng.randint(3, 300)}万元"
        return f"一是{place}{a}{b}；二是{c}"


def light_edit(text: str, rng: random.Random) -> str:
    """What a copier does: change the figures, the punctuation, a word."""
    import re

    choice = rng.randrange(4)
    if choice == 0:
        return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), text) if re.search(r"\d", text) else text + "。"
    if choice == 1:
        return text.replace("，", "；").replace("；", "，", 1) if "，" in text or "；" in text else text + "。"
    if choice == 2:
        return "主要是" + text
    return text.replace("增加", "有所增加", 1) if "增加" in text else text + "等"


@dataclass
class Doc:
    path: str
    unit: str
    year: int
    reasons: list[str]  # as written, one per explanation, in order
    items: list[str]


@dataclass
class Truth:
    docs: list[Doc] = field(default_factory=list)
    # (path_a, reason_a, path_b, reason_b): a reason of a copied into b, another unit
    copies: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (path_prev, path_next, item, reason): reason kept across years, figures changed
    sticky: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (path_prev, path_next, item, reason): reason kept, figures also unchanged (not sticky)
    same_figures: list[tuple[str, str, str, str]] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)  # corrupt and empty files
    fixtures: list[str] = field(default_factory=list)
    family: dict[str, int] = field(default_factory=dict)  # normalised reason -> family id


def item_name(item: tuple[str, str, str]) -> str:
    return f"{item[0]}（类）{item[1]}（款）{item[2]}（项）"


_FILLER = [
    "{unit}内设{n}个职能科室，下属{m}个事业单位，纳入本部门{year}年度部门决算编制范围的单位共{k}个。",
    "截至{year}年12月31日，本部门编制数{n}人，实有人数{m}人，其中行政人员{k}人、事业人员{j}人；离退休人员{r}人。",
    "{year}年，本部门围绕年度重点任务，完善内部管理制度{n}项，组织专题调研{m}次，办理群众来信来访{k}件。",
    "本部门{year}年度一般公共预算财政拨款基本支出{a}万元，其中：人员经费{b}万元，公用经费{c}万元。",
    "项目 本年决算数 上年决算数 {a} {b} {c} {d}",
    "{year}年度本部门政府采购支出总额{a}万元，其中：政府采购货物支出{b}万元、政府采购工程支出{c}万元、政府采购服务支出{d}万元。",
    "截至{year}年12月31日，本部门共有车辆{n}辆，单价100万元（含）以上设备（不含车辆）{m}台（套）。",
    "组织对{year}年度一般公共预算项目支出全面开展绩效自评，共涉及项目{n}个，资金{a}万元，占一般公共预算项目支出总额的100%。",
    "{year}年度本部门国有资本经营预算财政拨款收入支出决算为0万元，无相关收支。",
    "机关运行经费：指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务等的各项资金。",
    "“三公”经费：指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
    "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
]


def filler_text(unit: str, year: int, paragraphs: int, rng: random.Random) -> list[str]:
    """Paragraphs with no change statement, as the rest of a real report
    (overview, staffing, tables flattened to lines, glossary): a report of
    realistic length for benchmarks."""
    lines = []
    for _ in range(paragraphs):
        n, m, k, j, r = (rng.randint(2, 200) for _ in range(5))
        a, b, c, d = (f"{rng.uniform(1, 5000):,.2f}" for _ in range(4))
        lines += [rng.choice(_FILLER).format(unit=unit, year=year, n=n, m=m, k=k, j=j, r=r, a=a, b=b, c=c, d=d), ""]
    return lines


def report_text(unit: str, year: int, rows: list[tuple], rng: random.Random, *, prose: bool = True, filler: int = 0) -> str:
    """A report: title, overview, one statement per row (item, last year's
    amount, this year's amount, reason or None for a missing reason), and
    `filler` paragraphs of other text."""
    total_prev = sum(r[1] for r in rows)
    total = sum(r[2] for r in rows)
    diff = total - total_prev
    lines = [
        unit,
        f"{year}年度部门决算公开说明",
        "",
        "第一部分 部门概况",
        "",
        "一、主要职能",
        "",
        f"{unit}负责本行政区域内相关领域的政策执行、行业管理和公共服务工作，完成上级交办的其他任务。",
        "",
        *filler_text(unit, year, filler, rng),
        "第二部分 部门决算情况说明",
        "",
        "一、收入支出决算总体情况说明",
        "",
        f"{year}年度收入总计 {total:,.2f} 万元，支出总计 {total:,.2f} 万元。",
        "",
        "五、一般公共预算财政拨款支出决算情况说明",
        "",
        "（三）一般公共预算财政拨款支出决算具体情况",
        "",
    ]
    for n, (item, prev, amount, reason) in enumerate(rows, 1):
        change = amount - prev
        word, grow = ("增加", "增长") if change >= 0 else ("减少", "下降")
        pct = abs(change) / prev * 100 if prev else 0.0
        s = f"{n}.{item}：支出决算数为 {amount:,.2f} 万元，比上年决算{word} {abs(change):,.2f} 万元，{grow} {pct:.2f}%"
        s += f"，主要原因是：{reason}。" if reason else "。"
        lines += [s, ""]
    if prose:
        lines += [
            "七、财政拨款“三公”经费支出决算情况说明",
            "",
            f"{year}年度财政拨款“三公”经费支出 {rng.uniform(5, 30):.2f} 万元，与上年持平。",
            "",
            "第三部分 名词解释",
            "",
            "1.财政拨款收入：指本年度从本级财政部门取得的财政拨款。",
            "",
        ]
    del diff
    return "\n".join(lines)


def write_corpus(
    folder: str,
    units: int = 100,
    years: tuple[int, ...] = (2023, 2024),
    *,
    seed: int = 7,
    items_per_report: int = 8,
    copies: int = 30,
    sticky: int = 20,
    bad: int = 10,
    fixtures: list[str] | None = None,
    filler: int = 0,
) -> Truth:
    """Write a corpus of `units × len(years)` invented reports into `folder`
    (one sub-folder per year) plus `bad` corrupt or empty files and copies
    of the `fixtures` files; plant `copies` cross-unit copies and `sticky`
    reasons kept across consecutive years; `filler` paragraphs of other
    text per report make them as long as real ones. Returns the truth."""
    rng = random.Random(seed)
    maker = ReasonMaker(rng)
    names = unit_names(units, rng)
    truth = Truth()
    plan = _plan(names, years, items_per_report, rng, maker)
    paths = {(u, y): os.path.join(folder, str(y), f"{u}{y}年度部门决算.txt") for u in names for y in years}
    used = _plant_sticky(plan, paths, years, sticky, rng, maker, truth)
    _plant_copies(plan, paths, copies, used, rng, maker, truth)
    families = _Families()
    families.plant(truth)
    _write_reports(plan, paths, filler, rng, truth, families)
    _write_bad(os.path.join(folder, "incoming"), bad, rng, truth)
    _copy_fixtures(os.path.join(folder, "fixtures"), fixtures or [], truth)
    truth.family = families.of
    return truth


# A planned report: unit -> year -> rows [item, last year's amount, amount, reason or None]
Plan = dict[str, dict[int, list[list]]]


def _plan(names: list[str], years: tuple[int, ...], items_per_report: int, rng: random.Random, maker: ReasonMaker) -> Plan:
    """Every report's rows; the first item's reason is vague half the
    time, and about one in twenty has no reason."""
    plan: Plan = {}
    for unit in names:
        items = rng.sample(_ITEMS, items_per_report)
        base = {item_name(i): rng.uniform(30, 3000) for i in items}
        plan[unit] = {}
        for year in years:
            rows = []
            for k, i in enumerate(items):
                name = item_name(i)
                prev = round(base[name], 2)
                amount = round(prev * rng.uniform(0.7, 1.4), 2)
                base[name] = amount
                rows.append([name, prev, amount, _reason(k, rng, maker)])
            plan[unit][year] = rows
    return plan


def _reason(k: int, rng: random.Random, maker: ReasonMaker) -> str | None:
    roll = rng.random()
    if k == 0 and roll < 0.5:
        return rng.choice(VAGUE)
    if roll < 0.05:
        return None
    return maker.one()


def _plant_sticky(plan: Plan, paths: dict, years: tuple[int, ...], sticky: int, rng: random.Random, maker: ReasonMaker,
                  truth: Truth) -> set:
    """A unit keeps the reason for an item from year y-1 to y (`sticky`
    times), and three controls keep the figures too (a report published
    again unchanged: not stickiness). Returns the rows used."""
    cands = [(u, y, k) for u, by_year in plan.items() for y in years[1:] if y - 1 in years for k in range(1, len(by_year[y]))]
    rng.shuffle(cands)
    used: set = set()
    for u, y, k in cands[:sticky]:
        row = _keep_reason(plan[u][y - 1][k], plan[u][y][k], maker)
        used.update({(u, y - 1, k), (u, y, k)})
        truth.sticky.append((paths[(u, y - 1)], paths[(u, y)], row[0], row[3]))
    for u, y, k in cands[sticky : sticky + 3]:
        if (u, y, k) in used or (u, y - 1, k) in used:
            continue
        row = _keep_reason(plan[u][y - 1][k], plan[u][y][k], maker)
        row[1], row[2] = plan[u][y - 1][k][1], plan[u][y - 1][k][2]
        used.update({(u, y - 1, k), (u, y, k)})
        truth.same_figures.append((paths[(u, y - 1)], paths[(u, y)], row[0], row[3]))
    return used


def _keep_reason(prev_row: list, row: list, maker: ReasonMaker) -> list:
    if prev_row[3] is None:
        prev_row[3] = maker.one()
    row[3] = prev_row[3]
    return row


def _plant_copies(plan: Plan, paths: dict, copies: int, used: set, rng: random.Random, maker: ReasonMaker, truth: Truth) -> None:
    """A reason of unit a (year y) appears, maybe lightly edited, in the
    report of another unit b (same or another year), for any item."""
    slots = [slot for slot in _slots(plan) if slot not in used]
    rng.shuffle(slots)
    while len(truth.copies) < copies and len(slots) >= 2:
        a, b = slots.pop(), slots.pop()
        if a[0] == b[0]:
            continue
        src = plan[a[0]][a[1]][a[2]]
        if src[3] is None or src[3] in VAGUE:
            src[3] = maker.one()
        text = src[3] if rng.random() < 0.4 else light_edit(src[3], rng)
        plan[b[0]][b[1]][b[2]][3] = text
        used.update({a, b})
        truth.copies.append((paths[(a[0], a[1])], src[3], paths[(b[0], b[1])], text))


def _slots(plan: Plan):
    """(unit, year, row) of every row but the first of each report."""
    for unit, by_year in plan.items():
        for year, rows in by_year.items():
            for k in range(1, len(rows)):
                yield unit, year, k


class _Families:
    """Normalised reason -> family: planted copies and sticky pairs share
    one; every other reason is its own."""

    def __init__(self):
        self.of: dict[str, int] = {}

    def add(self, text: str, family: int | None = None) -> None:
        from nlp.similarity import normalise

        key = normalise(text)
        if key not in self.of:
            self.of[key] = family if family is not None else len(self.of) + 1_000_000

    def plant(self, truth: Truth) -> None:
        for n, (_, ra, _, rb) in enumerate(truth.copies):
            self.add(ra, n)
            self.add(rb, n)
        for n, (_, _, _, r) in enumerate(truth.sticky + truth.same_figures, len(truth.copies)):
            self.add(r, n)


def _write_reports(plan: Plan, paths: dict, filler: int, rng: random.Random, truth: Truth, families: _Families) -> None:
    for (u, y), path in paths.items():
        rows = plan[u][y]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(report_text(u, y, [tuple(r) for r in rows], rng, filler=filler))
        for r in rows:
            if r[3]:
                families.add(r[3])
        truth.docs.append(Doc(path, u, y, [r[3] for r in rows], [r[0] for r in rows]))


def _write_bad(folder: str, bad: int, rng: random.Random, truth: Truth) -> None:
    """Corrupt PDFs and binaries, empty and blank files."""
    os.makedirs(folder, exist_ok=True)
    makers = [
        ("损坏{}.pdf", lambda: b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(2000))),
        ("空文件{}.txt", lambda: b""),
        ("空白{}.txt", lambda: b"  \n\n \t\n"),
        ("乱码{}.docx", lambda: b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(500))),
        ("旧格式{}.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
    ]
    for n in range(bad):
        pattern, make = makers[n % len(makers)]
        path = os.path.join(folder, pattern.format(n))
        with open(path, "wb") as f:
            f.write(make())
        truth.bad.append(path)


def _copy_fixtures(folder: str, fixtures: list[str], truth: Truth) -> None:
    if not fixtures:
        return
    os.makedirs(folder, exist_ok=True)
    for src in fixtures:
        dst = os.path.join(folder, os.path.basename(src))
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        truth.fixtures.append(dst)


def reasons_for_search(n: int, copy_rate: float = 0.1, seed: int = 11) -> tuple[list[str], list[int]]:
    """n reasons for the near-duplicate benchmark: distinct concrete reasons,
    with `copy_rate` of them copies (verbatim or lightly edited) of an
    earlier one. Returns (texts, family ids)."""
    rng = random.Random(seed)
    maker = ReasonMaker(rng)
    texts: list[str] = []
    families: list[int] = []
    for i in range(n):
        if texts and rng.random() < copy_rate:
            j = rng.randrange(len(texts))
            texts.append(texts[j] if rng.random() < 0.4 else light_edit(texts[j], rng))
            families.append(families[j])
        else:
            texts.append(maker.one())
            families.append(i)
    return texts, families
