from nlp.rules import CorpusFinding, Quoted, Rule, Sharer, quote
from nlp.vocabulary import Evidence, Severity


class StickyAcrossYears(Rule):
    """A unit gives the same reason for an item as in its previous year's
    report although the figures changed. Explanations that stay the same
    while the numbers move are "sticky" (Dyer, Lang & Stice-Lawrence 2017):
    they were carried forward, not written for this year's change. The same
    reason with the same figures (a report published again) is not one."""

    code = "JS802"
    name = "sticky_across_years"
    zh = "跨年度照搬"
    severity = Severity.INFO
    evidence = Evidence.STYLE
    summary = "same reason as the unit's previous year, figures changed"
    summary_zh = "数字已变，原因与上年报告相同"
    rationale_zh = (
        "（批量）同一单位本年报告的原因与上年报告相同，而数字已经变了。原因可能确实未变，因此只作提示；但逐年照搬的原因值得核对。"
    )
    example = "甲局 2023 年与 2024 年都说“古塔修缮工程完工，尾款已付”，变动额却由 5.00 万元变为 8.00 万元。"
    scope = "corpus"

    def check(self, shared: list[Sharer], options):
        by_year: dict[tuple[int, int], dict[int, list[Sharer]]] = {}  # (unit, item) -> year -> sharers
        for s in shared:
            if s.unit is not None and s.year:
                by_year.setdefault((s.unit, s.item), {}).setdefault(s.year, []).append(s)
        for years in by_year.values():
            for year, now in years.items():
                for s in now:
                    before = next((b for b in years.get(year - 1, []) if _figures_changed(b, s)), None)
                    if before:
                        amount, _, change, pct = before.figures
                        yield CorpusFinding(self.code, s.document, s.explanation, [before.document], prior=(year - 1, amount, change, pct))

    def message(self, finding: CorpusFinding, quoted: Quoted, related: list[str]) -> tuple[str, str]:
        """(Chinese, English)."""
        prior_year, *prior = finding.prior
        now = (quoted.amount, quoted.change, quoted.change_pct)
        item, reason = quoted.item or finding.explanation, quote(quoted.reason)
        return (
            f"{item}的原因与 {prior_year} 年报告相同，数字却已变化（{_figures(*prior, zh=True)} → {_figures(*now, zh=True)}）：{reason}",
            f"the reason for {item} is the same as in the {prior_year} report "
            f"while the figures changed ({_figures(*prior)} → {_figures(*now)}): {reason}",
        )


def _figures_changed(a: Sharer, b: Sharer) -> bool:
    both = [(x, y) for x, y in zip(a.figures, b.figures, strict=True) if x is not None and y is not None]
    # Nothing to compare (a performance-table row) is no change.
    return any(abs(x - y) > 0.005 for x, y in both)


def _figures(amount, change, pct, zh: bool = False) -> str:
    if change is not None:
        return f"{'变动' if zh else 'change '}{change:,.2f} 万元"
    if amount is not None:
        return f"{amount:,.2f} 万元"
    return f"{pct}%" if pct is not None else "—"
