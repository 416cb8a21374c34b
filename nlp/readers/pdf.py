"""PDF text with pypdfium2 (the fastest permissively licensed reader; see
bench/pdf_libraries.py for the comparison).

Pages with a performance self-evaluation table (偏差原因 in the text) are read
again with pdfplumber's table finder so that each row comes out as one line of
tab-separated cells, as the table parser expects.
"""
from __future__ import annotations

from nlp.errors import InputError
from nlp.readers import Source

_MIN_CHARS_PER_PAGE = 20  # below this on average the PDF has no text layer


def read_pdf(data: bytes, name: str) -> Source:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(f"{name}: encrypted PDF (password protected); cannot read its text") from None
        raise InputError(f"{name}: corrupt or unreadable PDF ({e})") from None
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    except pdfium.PdfiumError as e:
        raise InputError(f"{name}: corrupt PDF ({e})") from None
    finally:
        pdf.close()
    if not pages:
        raise InputError(f"{name}: PDF has no pages")
    if sum(len(p.strip()) for p in pages) < _MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(f"{name}: PDF has no text layer (scanned images?); run OCR on it first")
    table_pages = [i for i, text in enumerate(pages) if "偏差原因" in text]
    if table_pages:
        pages = _with_tables(data, pages, table_pages)
    return Source(name, pages, paged=True)


def _with_tables(data: bytes, pages: list[str], indexes: list[int]) -> list[str]:
    """Append the page's table rows as tab-separated lines after its text."""
    import io

    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in indexes:
                rows = []
                for table in pdf.pages[i].extract_tables():
                    for row in table:
                        cells = [(c or "").replace("\n", "") for c in row]
                        if any(cells):
                            rows.append("\t".join(cells))
                if rows:
                    pages[i] = pages[i] + "\n" + "\n".join(rows) + "\n"
    except Exception:  # noqa: BLE001 - the plain text is still usable without tables
        pass
    return pages
