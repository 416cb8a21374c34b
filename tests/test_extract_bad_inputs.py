"""Unreadable inputs: `analyze()` raises InputError with a one-line message
naming the file; `juesuan score` exits with code 2, prints exactly one line on
stderr, nothing on stdout, and no traceback."""
from __future__ import annotations

import io
import zipfile

import pytest

import nlp.readers
from nlp import InputError, analyze
from nlp.cli import main
from nlp.readers import read
from tests.extract_helpers import fixture_text, make_pdf, run_cli

GOOD_PAGE = ["一、收入支出决算总体情况说明", "本年收入合计 120.00 万元，比上年增加 20.00 万元，增长 20.00%，主要原因是新增文化惠民演出经费。"]


def _pdf() -> bytes:
    return make_pdf([GOOD_PAGE, GOOD_PAGE])


def _encrypted_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(_pdf()))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="kaifang2024", owner_password="owner2024")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _blank_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _zip_not_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("附表/收入支出决算总表.csv", "项目,金额\n本年收入,120.00\n")
        z.writestr("readme.txt", "not a word document")
    return buf.getvalue()


def _corrupt_docx() -> bytes:
    """Has word/document.xml, but it is not XML."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "\x00\x01 this is not xml <w:body")
    return buf.getvalue()


BAD_FILES = {
    # name: (make bytes, words expected in the message)
    "corrupt.pdf": (lambda: _pdf()[: len(_pdf()) // 2], ["corrupt"]),
    "encrypted.pdf": (_encrypted_pdf, ["encrypted"]),
    "blank.pdf": (_blank_pdf, ["no text"]),
    "binary.dat": (lambda: bytes(range(256)) * 64, ["binary"]),
    "empty.txt": (lambda: b"", ["empty"]),
    "whitespace.txt": (lambda: b" \n\t \r\n   \n", ["empty"]),
    "fullwidth_spaces.txt": (lambda: "\u3000\u3000\n\u3000 \n".encode("utf-8"), ["empty"]),
    "utf16_blank.txt": (lambda: b"\xff\xfe" + " \n \n".encode("utf-16-le"), ["empty"]),
    "legacy.doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Microsoft Word" * 50, ["legacy", "docx"]),
    "archive.zip": (_zip_not_docx, ["not a word document"]),
    "broken.docx": (_corrupt_docx, ["docx"]),
    "truncated.docx": (lambda: b"PK\x03\x04" + b"\x14\x00\x00\x00" * 20, ["zip"]),
}


def _assert_one_line_error(result, must_name: str | None = None) -> str:
    assert result.code == 2, (result.code, result.stdout[:500], result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr.endswith("\n")
    line = lines[0]
    assert line.startswith("juesuan: error: ")
    if must_name:
        assert must_name in line
    return line


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_api_raises_input_error(tmp_path, name):
    make, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(InputError) as info:
        analyze(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    for word in words:
        assert word.lower() in message.lower(), message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cli_exit_code_2_and_one_line(tmp_path, name):
    make, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    line = _assert_one_line_error(run_cli("score", path, "--format", "json"), must_name=name)
    for word in words:
        assert word.lower() in line.lower(), line


def test_cli_directory(tmp_path):
    line = _assert_one_line_error(run_cli("score", tmp_path), must_name=str(tmp_path))
    assert "directory" in line


def test_cli_missing_path(tmp_path):
    missing = tmp_path / "不存在的报告.pdf"
    line = _assert_one_line_error(run_cli("score", missing), must_name="不存在的报告.pdf")
    assert "cannot open" in line or "no such file" in line.lower()


def test_cli_text_format_same_errors(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    _assert_one_line_error(run_cli("score", path), must_name="empty.txt")


def test_api_directory_and_missing(tmp_path):
    with pytest.raises(InputError, match="directory"):
        analyze(tmp_path)
    with pytest.raises(InputError, match="cannot open"):
        analyze(tmp_path / "nope.txt")


# -- too large -----------------------------------------------------------------


def test_read_with_a_small_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(fixture_text("triggers.txt"), encoding="utf-8")
    with pytest.raises(InputError, match="too large") as info:
        read(path, max_bytes=100)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert read(path, max_bytes=10**6).pages  # under the limit it is read


def test_cli_too_large_message(tmp_path, monkeypatch, capsys):
    """The limit is nlp.readers.MAX_BYTES: lowering it at run time must apply
    to `juesuan score`, with a one-line message that says the file is too
    large and what the limit is."""
    monkeypatch.setattr(nlp.readers, "MAX_BYTES", 1024 * 1024)
    path = tmp_path / "big.txt"
    # 1.5 MB; blank, so that an input let through by mistake fails fast, with another message
    path.write_bytes(b" " * (3 * 1024 * 1024 // 2))
    code = main(["score", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("juesuan: error: ")
    assert "big.txt" in lines[0]
    assert "too large" in lines[0]
    assert "1 MB" in lines[0]  # the limit, as the user can act on it
    assert "1.5 MB" in lines[0]  # the size


# -- not errors ----------------------------------------------------------------


def test_report_without_explanations_exits_0_with_an_empty_result_not_scored(tmp_path):
    path = tmp_path / "东港镇社区事务受理服务中心.txt"
    path.write_text(fixture_text("no_explanations.txt"), encoding="utf-8")
    result = run_cli("score", path, "--format", "json")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    data = result.json()
    assert data["explanations"] == [] and data["missing"] == []
    assert data["score"] is None and data["status"] == "not_scored"
    text = run_cli("score", path)
    assert text.code == 0 and text.stderr == ""
    assert "0 条说明" in text.stdout and "未评分" in text.stdout


def test_pdf_under_the_text_threshold_on_one_page_is_still_read(tmp_path):
    """A PDF whose first page is a cover with a title only, then text."""
    path = tmp_path / "cover.pdf"
    path.write_bytes(make_pdf([["城西区"], GOOD_PAGE, GOOD_PAGE]))
    report = analyze(path).to_dict()
    assert report["pages"] == 3
    assert len(report["explanations"]) == 2
