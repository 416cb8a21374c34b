from nlp.rules import Rule, quote


class Missing(Rule):
    """A material change is stated with no reason at all. Reports must explain
    every material change; a silent one is the first thing to ask about. Only
    changes at or above the materiality threshold (amount in 万元 or
    percentage, whichever is met) are reported."""

    code = "JS101"
    name = "missing"
    severity = "error"
    summary = "change stated without any reason"
    options = {"min_change": 5.0, "min_pct": 10.0}

    def check(self, report, options):
        for m in report.missing:
            s = m.statement
            if s.direction == "none":
                continue
            big = (s.change is not None and s.change >= options["min_change"]) or (
                s.change_pct is not None and s.change_pct >= options["min_pct"]
            )
            if s.change is None and s.change_pct is None:
                continue  # no figures (a template's XXX): nothing to weigh
            if big:
                figures = f"{s.change:,.2f} 万元" if s.change is not None else f"{s.change_pct:.2f}%"
                yield self.finding(f"{s.item or '(item not named)'} changed by {figures} with no reason: {quote(s.text)}", [m])
