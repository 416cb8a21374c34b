"""No regular expression of juesuan backtracks catastrophically on long input.

Every pattern in the package is tried on 1 MB of adversarial text and must
finish a full scan (`finditer`, which does the work of `search`, `sub`,
`findall` and `split`) in under 2 s, or, where the machine is busy, in a
time that grows no faster than the text (1 MB at most 8 times a quarter of
it, linear being 4 and quadratic 16), within 20 s. The patterns are found, not listed by
hand: the compiled patterns at module level of every `nlp` module, and the
literal patterns passed to `re.*` calls anywhere in `nlp/` (read from the
source with `ast`). Patterns built at run time from document text
(`re.escape(item) + ...`) cannot be listed; the whole-pipeline test below
covers them.

Adversarial text: for each pattern, strings that pump its repeats. Each
unbounded (or long) repeat in the pattern's syntax tree gives a sample of
its body ("1" for \\d+, " " for [ \\t]*, " \\n" for (?:[ \\t]*\\n)*), and every
literal character of the pattern gives one too; a pump is one sample
repeated to the length wanted. A regex that is super-linear on long input
is so on some such run: the repeat swallows the rest of the text, the
match fails at the end, and the engine starts again one character later.
The pumps are screened at 4 KB; the slowest of each pattern is then
run at 1 MB and at a quarter of that, each in a child process killed at
20 s (nlp.limits), so that a quadratic pattern costs this test seconds,
not hours, and a loaded machine does not make a linear one fail.

And the pipeline itself: `analyze()` on 1 MB texts that pump the trigger
words, figures, tabs and line breaks of a report must finish in bounded time.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest

import nlp
from nlp.limits import Budget, BudgetExceeded, run_limited

try:
    from re import _constants as C  # Python 3.11+
    from re import _parser as P
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as C
    import sre_parse as P

NLP = Path(nlp.__file__).resolve().parent
SCREEN = 4 * 1024
LONG = 1024 * 1024
LIMIT = 2.0  # seconds for one scan of 1 MB: under it, a pattern passes whatever its growth
GROWTH = 8.0  # over it, the most the time may grow when the text grows 4 times (linear: 4, quadratic: 16)
CEILING = 20.0  # seconds for any one scan: over it, the pattern fails
TOP = 1
SCREEN_LIMIT = 10.0  # seconds for all the pumps of one pattern at 4 KB (normally well under 1)
SKIP_MODULES: set[str] = set()  # modules that read no input (none since the corpus writer moved to tests/)

# Patterns that never see long input, whatever the file: tested at the
# longest input they can be given (same time limit). Each entry says why.
BOUNDED = {
    "nlp.batch.identity._UNIT_THEN_YEAR": (4000, "identity._head: the first 4,000 characters"),
    "nlp.batch.identity._YEAR_THEN_UNIT": (4000, "identity._head: the first 4,000 characters"),
    "nlp.repair._SENTENCE_MARK": (40, "is_heading: only lines of at most 40 characters get this far"),
    # Linear, but with a large constant (~2-4 s on 1 MB of 费 / 本): bounded by their callers.
    "nlp.features._RESTATE_CLAUSE": (600, "features.core/concreteness: text[:MAX_CAUSE], 600 characters"),
    "nlp.features._FIGURE_TAIL": (600, "features.concreteness/_moved: applied to core(), at most MAX_CAUSE (600) characters"),
    "nlp.rules.arithmetic._PART": (2000, "arithmetic._share_problems: the sentence after a total, cut at 2,000 characters"),
}


# ---------------------------------------------------------------- patterns

def _sources() -> dict[str, ast.AST]:
    out = {}
    for path in sorted(NLP.rglob("*.py")):
        module = "nlp." + ".".join(path.relative_to(NLP).with_suffix("").parts).removesuffix(".__init__")
        if module not in SKIP_MODULES:
            out[module] = ast.parse(path.read_text(encoding="utf-8"))
    return out


SOURCES = _sources()


def _defined_in(tree: ast.AST, attr: str) -> bool:
    return any(
        isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attr for t in node.targets)
        for node in getattr(tree, "body", [])
    )


def _module_patterns() -> dict[str, re.Pattern]:
    """Compiled patterns at module level, named by the module that defines them."""
    found: dict[int, tuple[str, re.Pattern]] = {}
    for info in pkgutil.walk_packages(nlp.__path__, "nlp."):
        if info.name in SKIP_MODULES or info.name.endswith("__main__"):
            continue
        try:
            mod = importlib.import_module(info.name)
        except ImportError:  # an optional dependency is missing
            continue
        for attr, value in vars(mod).items():
            if isinstance(value, re.Pattern):
                key = f"{info.name}.{attr}"
                if id(value) not in found or _defined_in(SOURCES.get(info.name), attr):
                    found[id(value)] = (key, value)
    return dict(found.values())


def _anchored(key: str) -> bool:
    """Is the pattern only ever used with .match/.fullmatch (tried at one
    position, so a scan of the text never happens)?"""
    if ":" in key:
        p = PATTERNS[key]
        calls = {call for k, call in LITERAL_CALLS.items() if (LITERALS[k].pattern, LITERALS[k].flags) == (p.pattern, p.flags)}
        return bool(calls) and calls <= {"match", "fullmatch"}
    name = key.rsplit(".", 1)[1]
    uses = set()
    for tree in SOURCES.values():
        receivers = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
                uses.add(node.attr)
                receivers.add(id(node.value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) and id(node) not in receivers:
                uses.add("<passed>")  # handed to other code, which may scan with it
    return bool(uses) and uses <= {"match", "fullmatch"}


_RE_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}


LITERAL_CALLS: dict[str, str] = {}  # key -> the re function it is passed to


def _literal_patterns() -> dict[str, re.Pattern]:
    """Literal first arguments of re.<call>(...) in the source of nlp/."""
    found: dict[str, re.Pattern] = {}
    for module, tree in SOURCES.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RE_CALLS):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, (str, bytes)):
                flags = 0
                for kw in node.keywords:
                    if kw.arg == "flags" and isinstance(kw.value, ast.Attribute) and kw.value.attr in ("M", "MULTILINE", "S", "DOTALL", "I", "IGNORECASE"):
                        flags |= getattr(re, kw.value.attr)
                try:
                    found.setdefault(f"{module}:{node.lineno}", re.compile(arg.value, flags))
                    LITERAL_CALLS.setdefault(f"{module}:{node.lineno}", node.func.attr)
                except re.error:
                    pass
    return found


def _all_patterns() -> dict[str, re.Pattern]:
    by_source: dict[tuple, str] = {}
    out: dict[str, re.Pattern] = {}
    for key, p in {**_module_patterns(), **LITERALS}.items():
        ident = (p.pattern, p.flags)
        if ident in by_source:
            continue
        by_source[ident] = key
        out[key] = p
    return out


LITERALS = _literal_patterns()
PATTERNS = _all_patterns()


# ---------------------------------------------------------------- pumps

_NEGATED_CANDIDATES = ["a", "字", "1", " ", "。", "\n", "X", "（", "\t", "元"]


def _class_sample(items) -> str | None:
    negate = any(op is C.NEGATE for op, _ in items)
    members = [(op, av) for op, av in items if op is not C.NEGATE]
    if negate:
        for c in _NEGATED_CANDIDATES:
            if not _in_class(c, members):
                return c
        return None
    for op, av in members:
        if op is C.LITERAL:
            return chr(av)
        if op is C.RANGE:
            return chr(av[0])
        if op is C.CATEGORY:
            return _category_sample(av)
    return None


def _category_sample(cat) -> str:
    name = str(cat).upper()
    if "NOT" in name:
        return "字" if "DIGIT" in name or "SPACE" in name else " "
    if "DIGIT" in name:
        return "1"
    if "SPACE" in name:
        return " "
    if "WORD" in name:
        return "a"
    return "a"


def _in_class(c: str, members) -> bool:
    o = ord(c)
    for op, av in members:
        if op is C.LITERAL and av == o:
            return True
        if op is C.RANGE and av[0] <= o <= av[1]:
            return True
        if op is C.CATEGORY:
            name = str(av).upper()
            hit = (c.isdigit() if "DIGIT" in name else c.isspace() if "SPACE" in name else (c.isalnum() or c == "_"))
            if hit != ("NOT" in name):
                return True
    return False


def _sample(seq) -> str:
    """A short string the parsed sequence `seq` matches (best effort)."""
    out = []
    for op, av in seq:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.IN:
            s = _class_sample(av)
            if s:
                out.append(s)
        elif op is C.ANY:
            out.append("a")
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, _, body = av
            out.append(_sample(body) * max(1, min(lo, 3)))
        elif op is C.SUBPATTERN:
            out.append(_sample(av[-1]))
        elif op is C.BRANCH:
            out.append(_sample(av[1][0]))
        elif op is C.CATEGORY:
            pass
    return "".join(out)


def _pumps(pattern: re.Pattern) -> list[str]:
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    try:
        tree = P.parse(source, pattern.flags & ~re.UNICODE if isinstance(pattern.pattern, bytes) else pattern.flags)
    except Exception:  # noqa: BLE001 - an odd pattern: the generic pumps only
        tree = []
    pumps: set[str] = {"1", " ", "\t", "\n", " \n", "a", "字", "。", "X", "1.", "1,"}
    _walk(tree, pumps)
    return sorted(pumps)


def _walk(seq, pumps: set[str]) -> None:
    """Add to `pumps` a sample of every long repeat and every literal of a parsed pattern."""
    for op, av in seq:
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            _, hi, body = av
            if hi == C.MAXREPEAT or hi >= 100:
                s = _sample(body)
                if s:
                    pumps.add(s)
                    _branch_bodies(body, pumps)
            _walk(body, pumps)
        elif op is C.SUBPATTERN:
            _walk(av[-1], pumps)
        elif op is C.BRANCH:
            for b in av[1]:
                _walk(b, pumps)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _walk(av[1], pumps)
        elif op is C.LITERAL:
            pumps.add(chr(av))
        elif op is C.IN and (s := _class_sample(av)):
            pumps.add(s)


def _branch_bodies(body, pumps: set[str]) -> None:
    # (?:增加|减少|...)+ : each alternative pumped on its own
    for op, av in body:
        if op is C.SUBPATTERN:
            _branch_bodies(av[-1], pumps)
        elif op is C.BRANCH:
            pumps.update(s for b in av[1] if (s := _sample(b)))


def _text(pump: str, size: int, as_bytes: bool):
    text = (pump * (size // len(pump) + 1))[:size]
    return text.encode("utf-8", "surrogatepass") if as_bytes else text


def _scan(pattern: re.Pattern, text, anchored: bool = False) -> float:
    t0 = time.perf_counter()
    if anchored:
        pattern.match(text)
    else:
        for _ in pattern.finditer(text):
            pass
    return time.perf_counter() - t0


def _screen(pattern: re.Pattern, anchored: bool) -> list[tuple[float, str]]:
    as_bytes = isinstance(pattern.pattern, bytes)
    return sorted(((_scan(pattern, _text(p, SCREEN, as_bytes), anchored), p) for p in _pumps(pattern)), reverse=True)


def _check(key: str) -> str | None:
    """None when the pattern is linear on its pumps, else what went wrong.
    Every scan runs in a child process killed at its time limit."""
    pattern = PATTERNS[key]
    as_bytes = isinstance(pattern.pattern, bytes)
    anchored = _anchored(key)
    size = BOUNDED[key][0] if key in BOUNDED else LONG
    try:
        screened = run_limited(_screen, pattern, anchored, budget=Budget(SCREEN_LIMIT, 1024), name=key)
    except BudgetExceeded:
        return f"{key} {pattern.pattern!r}: catastrophic: a scan of its pumps at {SCREEN // 1024} KB took over {SCREEN_LIMIT:g} s"
    for _, pump in screened[:TOP]:
        seconds = _timed(pattern, _text(pump, size, as_bytes), anchored, key)
        if seconds is not None and seconds <= LIMIT:
            continue
        # Slow: linear on a busy machine, or super-linear? Time a quarter of the text.
        quarter = _timed(pattern, _text(pump, size // 4, as_bytes), anchored, key) if seconds is not None else None
        if seconds is None or quarter is None or seconds > GROWTH * quarter:
            if seconds is None:
                took = f"over {CEILING:g} s"
            elif quarter is None:
                took = f"{seconds:.2f} s, and a quarter of it over {CEILING:g} s"
            else:
                took = f"{seconds:.2f} s, {seconds / max(quarter, 1e-9):.1f} times a quarter of it"
            return (f"{key} {pattern.pattern!r} ({'match' if anchored else 'scan'}) is super-linear: {pump!r} * {size // len(pump)} "
                    f"({size / 2**20:.2f} MB) took {took}")
    return None


def _timed(pattern: re.Pattern, text, anchored: bool, key: str) -> float | None:
    """Seconds for one scan in a child process; None past the ceiling."""
    try:
        return run_limited(_scan, pattern, text, anchored, budget=Budget(CEILING, 1024), name=key)
    except BudgetExceeded:
        return None


@pytest.fixture(scope="module")
def checked() -> dict[str, str | None]:
    """All the patterns checked two at a time (one per core): each check
    is a child process, so the threads only wait; a failure is checked
    again alone."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(sorted(PATTERNS), pool.map(_check, sorted(PATTERNS))))
    # Two scans at once share the cores with everything else: a pattern
    # that failed is measured again alone before it is judged.
    return {key: (problem and _check(key)) for key, problem in results.items()}


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_pattern_is_linear_on_1mb_of_adversarial_text(key, checked):
    assert checked[key] is None, checked[key]


def test_the_patterns_are_found():
    """The search above really sees the package's patterns (not zero, not a few)."""
    assert len(PATTERNS) > 60
    assert "nlp.statements.AMOUNT" in PATTERNS and "nlp.triggers.FIND" in PATTERNS
    assert "nlp.repair._LINE_BREAK" in PATTERNS and any(k.startswith("nlp.repair:") for k in PATTERNS)
    assert _anchored("nlp.reasons.ENUM_START") and not _anchored("nlp.statements.AMOUNT")
    assert all(k in PATTERNS for k in BOUNDED), [k for k in BOUNDED if k not in PATTERNS]
