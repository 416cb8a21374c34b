"""DOCX paragraphs and tables in document order (python-docx).

Table rows become tab-separated lines, as the table parser expects. The zip
is checked first (`nlp.readers.zipguard`: zip bombs, absolute or `..`
member paths, links); python-docx parses its XML without resolving entities
and fetches nothing that the document links to.
"""
from __future__ import annotations

import io

from nlp.errors import InputError
from nlp.readers import Source
from nlp.readers.zipguard import check_zip


def read_docx(data: bytes, name: str) -> Source:
    names = check_zip(data, name, kind="zip/DOCX")
    if "word/document.xml" not in names:
        raise InputError(f"{name}: a zip file but not a Word document (.docx)")
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
