"""Hostile inputs of issue 16, family 4 (other limits), part D: labelled-data
workbooks that never finish or expand entities, and report text that tries
to drive the terminal. Made on the fly, nothing binary committed.

`cases()` adds them to the hostile corpus (tests/hostile_corpus.py), which
runs each through `juesuan score` and `juesuan batch`; the assertions of
their own (train.py, label-export, the terminal and CSV output) are in
tests/test_hostile_limits2.py.
"""
from __future__ import annotations

import io
import zipfile

from tests.hostile_corpus import REPORT_TEXT, Case

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "http://127.0.0.1:9/x">]>'


def xlsx(rows_xml: str, shared: list[str] | None = None, *, dimension: str = "A1:C3",
         sheet_prolog: str = "", strings_prolog: str = "", strings_xml: str | None = None) -> bytes:
    """A workbook written by hand: `rows_xml` is the <sheetData> content,
    `shared` the shared strings (a cell t="s" refers to them by index); a
    prolog (a DOCTYPE) may go before either part's root element."""
    sheet = (f'{_HEAD}{sheet_prolog}<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/>'
             f"<sheetData>{rows_xml}</sheetData></worksheet>")
    members = {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="causes" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": strings_xml if strings_xml is not None else (
            f'{_HEAD}{strings_prolog}<sst xmlns="{_MAIN}" count="{len(shared or [])}">'
            + "".join(f"<si><t>{s}</t></si>" for s in shared or []) + "</sst>"),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def _s(ref: str, i: int) -> str:
    return f'<c r="{ref}" t="s"><v>{i}</v></c>'


HEADER = f'<row r="1">{_s("A1", 0)}{_s("B1", 1)}{_s("C1", 2)}</row>'
STRINGS = ["text", "label", "vague", "新录用公务员6名", "staffing", "工作需要", "other"]
GOOD_ROWS = (HEADER + f'<row r="2">{_s("A2", 3)}{_s("B2", 4)}<c r="C2" t="b"><v>0</v></c></row>'
             f'<row r="3"><c r="A3" t="inlineStr"><is><t>工作需要</t></is></c>{_s("B3", 6)}<c r="C3" t="b"><v>1</v></c></row>')


def far_cell() -> bytes:
    """One cell at XFD1048576 and a dimension to match: 17 billion cells if materialised."""
    return xlsx(HEADER + f'<row r="1048576">{_s("XFD1048576", 3)}</row>', STRINGS, dimension="A1:XFD1048576")


def far_dimension() -> bytes:
    """Good rows, but a declared dimension of A1:XFD1048576 (a reader that pads to it never ends)."""
    return xlsx(GOOD_ROWS, STRINGS, dimension="A1:XFD1048576")


def laughs_in_sheet() -> bytes:
    return xlsx(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>', STRINGS, sheet_prolog=LAUGHS)


def laughs_in_strings() -> bytes:
    return xlsx(GOOD_ROWS, strings_prolog=LAUGHS, strings_xml=(
        f'{_HEAD}{LAUGHS}<sst xmlns="{_MAIN}">' + "".join(f"<si><t>{s}</t></si>" for s in STRINGS[:3]) + "<si><t>&lol9;</t></si></sst>"))


def xxe_in_sheet() -> bytes:
    return xlsx(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;&web;</t></is></c></row>', STRINGS, sheet_prolog=XXE)


def xxe_in_strings() -> bytes:
    return xlsx(GOOD_ROWS, strings_xml=(
        f'{_HEAD}{XXE}<sst xmlns="{_MAIN}">' + "".join(f"<si><t>{s}</t></si>" for s in STRINGS[:3]) + "<si><t>&xxe;</t></si></sst>"))


# Report text that would drive a terminal: clear the screen, close a rich
# tag that is not open, make a hyperlink, colour, ring the bell, OSC 8.
TERMINAL_PAYLOAD = "\x07\x1b[2J[/][link=http://x]点击[/link]\x1b]8;;http://evil\x1b\\链接\x1b]8;;\x1b\\\x9b31m"


def terminal_report() -> bytes:
    # Vague reasons, so that findings quote them in the terminal report.
    return (REPORT_TEXT.replace("新增文化惠民演出经费", "工作需要" + TERMINAL_PAYLOAD)
            .replace("压减非急需支出", "工作需要[bold red]其他[/]\x1b[31m")).encode("utf-8")


# (file name, what it is, builder): the workbooks train.py --data must refuse in one line.
WORKBOOKS = [
    ("far_cell.xlsx", "one cell at XFD1048576 (4 KB; 17 billion cells if padded)", far_cell),
    ("xxe_sheet.xlsx", "external entities (file:///etc/passwd, a URL) in the sheet", xxe_in_sheet),
    ("xxe_strings.xlsx", "external entities in sharedStrings.xml", xxe_in_strings),
    ("laughs_sheet.xlsx", "billion laughs (10^9 'lol') in the sheet", laughs_in_sheet),
    ("laughs_strings.xlsx", "billion laughs in sharedStrings.xml", laughs_in_strings),
]


def cases() -> list[Case]:
    return [
        # score and batch read a workbook for its statements (决算报表): a hostile one is refused in
        # one line; the one whose only oddity is its declared dimension is read (nothing to score in it).
        *(Case(name, "xlsx data", what, make, "error") for name, what, make in WORKBOOKS),
        Case("far_dimension.xlsx", "xlsx data", "good rows, declared dimension A1:XFD1048576", far_dimension, "ok"),
        Case("terminal_escapes.txt", "terminal", "reasons with ESC[2J, OSC 8 links, BEL, C1 CSI and rich markup ([/], [link=…])",
             terminal_report, "ok", min_explanations=3),
    ]
