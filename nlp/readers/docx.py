"""DOCX paragraphs and tables in document order (python-docx).

Table rows become tab-separated lines, as the table parser expects.
"""
from __future__ import annotations

import io
import zipfile

from nlp.errors import InputError
from nlp.readers import Source


def read_docx(data: bytes, name: str) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise InputError(f"{name}: a zip file but not a Word document (.docx)")
    except zipfile.BadZipFile:
        raise InputError(f"{name}: corrupt zip/DOCX file") from None
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds
        raise InputError(f"{name}: corrupt DOCX file ({type(e).__name__})") from None
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                lines.append("\t".join(cell.text.replace("\n", "") for cell in row.cells))
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(f"{name}: DOCX has no text")
    return Source(name, [text], paged=False)
