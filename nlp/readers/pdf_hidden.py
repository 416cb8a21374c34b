"""The text of a PDF page that a reader never sees, from pdfium's page
objects: text drawn in an invisible render mode (Tr 3, or 7: clip only),
fully transparent, in the colour of what lies under it (white on the white
page), smaller than 1 pt, or wholly outside the page box (CropBox within
MediaBox).

What counts as seen: invisible text over an image is an OCR layer (the image
shows that text), and white text on a dark box is read. Not looked at:
clipping paths, text covered by a later object, annotations. Objects inside
form XObjects are checked with the form's matrix applied.

    hidden = hidden_objects(page)                  # {object address: why}
    visible, pieces = split_text(textpage, hidden) # the page's text without them, and theirs
"""
from __future__ import annotations

import ctypes
import math

_INVISIBLE = {3: "Tr 3", 7: "Tr 7"}
_STROKED = {1, 5}  # render modes that only stroke the glyphs
_NEAR = 24  # colour distance (sum over r, g, b) under which text and ground look the same
_MAX_DEPTH = 8  # forms within forms
_MAX_GROUND = 2_000  # painted boxes kept per page (the latest)
_GROUND_MIN = 2.0  # points: a filled path narrower than this is a line, not a ground for text
MIN_POINTS = 1.0
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def hidden_objects(page) -> dict[int, tuple[str, tuple[float, float, float, float]]]:
    """The text objects of `page` a reader never sees: address -> (why, box in page space)."""
    import pypdfium2.raw as R

    box = _page_box(page)
    hidden: dict = {}
    ground: list = []  # painted boxes in drawing order: (box, colour, or None for an image)
    _scan(R, R.FPDFPage_CountObjects(page.raw), lambda i: R.FPDFPage_GetObject(page.raw, i), _IDENTITY, 0, box, hidden, ground)
    return hidden


def _scan(R, count, get, matrix, depth, box, hidden, ground) -> None:
    """The objects of a page or form in drawing order, a form's where it is drawn."""
    for i in range(max(count, 0)):
        obj = get(i)
        if not obj:
            continue
        kind = R.FPDFPageObj_GetType(obj)
        bounds = _bounds(R, obj, matrix)
        if bounds is None:
            continue
        if kind == R.FPDF_PAGEOBJ_TEXT:
            why = _why(R, obj, bounds, matrix, box, ground)
            if why:
                hidden[ctypes.cast(obj, ctypes.c_void_p).value] = (why, bounds)
        elif kind == R.FPDF_PAGEOBJ_IMAGE:
            ground.append((bounds, None))
        elif kind == R.FPDF_PAGEOBJ_PATH and min(bounds[2] - bounds[0], bounds[3] - bounds[1]) >= _GROUND_MIN:
            fill = _path_fill(R, obj)  # (a thin one is a rule or a border: no text stands on it)
            if fill is not None:
                ground.append((bounds, fill))
        elif kind == R.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH:
            m = R.FS_MATRIX()
            inner = _times((m.a, m.b, m.c, m.d, m.e, m.f), matrix) if R.FPDFPageObj_GetMatrix(obj, m) else matrix
            _scan(R, R.FPDFFormObj_CountObjects(obj), lambda j, form=obj: R.FPDFFormObj_GetObject(form, j), inner, depth + 1, box, hidden, ground)
        if len(ground) > _MAX_GROUND:
            del ground[: len(ground) - _MAX_GROUND]


def _why(R, obj, bounds, matrix, box, ground) -> str | None:
    left, bottom, right, top = bounds
    if right <= box[0] or left >= box[2] or top <= box[1] or bottom >= box[3]:
        return "off-page"
    mode = R.FPDFTextObj_GetTextRenderMode(obj)
    centre = ((left + right) / 2, (bottom + top) / 2)
    under = _under(centre, ground)
    if mode in _INVISIBLE:
        return None if under == "image" else _INVISIBLE[mode]
    size = ctypes.c_float()
    m = R.FS_MATRIX()
    if R.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)) and R.FPDFPageObj_GetMatrix(obj, m):
        _, _, c, d, _, _ = _times((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
        if abs(size.value) * math.hypot(c, d) < MIN_POINTS:
            return "tiny"
    colour = _colour(R, obj, stroke=mode in _STROKED)
    if colour is None:
        return None
    if colour[3] == 0:
        return "transparent"
    if under != "image" and sum(abs(x - y) for x, y in zip(colour[:3], under)) < _NEAR:
        return "white" if min(colour[:3]) >= 255 - _NEAR // 3 else "background"
    return None


def _under(point, ground) -> tuple | str:
    """The colour painted under `point` last (white: the page), or "image"."""
    x, y = point
    for (left, bottom, right, top), colour in reversed(ground):
        if left <= x <= right and bottom <= y <= top:
            return "image" if colour is None else colour
    return (255, 255, 255)


def _colour(R, obj, stroke: bool) -> tuple[int, int, int, int] | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    get = R.FPDFPageObj_GetStrokeColor if stroke else R.FPDFPageObj_GetFillColor
    if not get(obj, r, g, b, a):
        return None
    return r.value, g.value, b.value, a.value


def _path_fill(R, obj) -> tuple[int, int, int] | None:
    """The colour a path paints its inside with, or None when it only strokes."""
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    if not R.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke)) or fillmode.value == 0:
        return None
    colour = _colour(R, obj, stroke=False)
    if colour is None or colour[3] == 0:
        return None
    return colour[:3]


def _bounds(R, obj, matrix) -> tuple[float, float, float, float] | None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not R.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return None
    box = (left.value, bottom.value, right.value, top.value)
    if matrix == _IDENTITY:
        return box
    a, b, c, d, e, f = matrix
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3])):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _times(inner: tuple, outer: tuple) -> tuple:
    """The matrix that applies `inner`, then `outer` (PDF's row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _page_box(page) -> tuple[float, float, float, float]:
    """The visible page: the CropBox (pdfium falls back to the MediaBox), within the MediaBox."""
    media = page.get_mediabox()
    crop = page.get_cropbox()
    return max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3])


def split_text(textpage, hidden: dict) -> tuple[str, list[tuple[int, str, str]]]:
    """The page's text without the chars of `hidden` objects, and the hidden
    pieces: (offset in the visible text, why, text)."""
    import pypdfium2.raw as R

    n = textpage.count_chars()
    state: list[str | None] = []  # per char: why hidden, "" when seen, None when pdfium generated it
    for i in range(n):
        obj = R.FPDFText_GetTextObject(textpage.raw, i)
        address = ctypes.cast(obj, ctypes.c_void_p).value if obj else None
        state.append(hidden[address][0] if address in hidden else ("" if address else None))
    # A space or line break pdfium put between two hidden chars is hidden with them.
    after: list[str] = [""] * n
    following = ""
    for i in range(n - 1, -1, -1):
        after[i] = following
        if state[i] is not None:
            following = state[i]
    last = ""
    for i, s in enumerate(state):
        if s is None:
            state[i] = last if last and last == after[i] else ""
        else:
            last = s
    visible: list[str] = []
    pieces: list[tuple[int, str, str]] = []
    length = 0
    i = 0
    while i < n:
        j = i
        while j < n and state[j] == state[i]:
            j += 1
        text = textpage.get_text_range(i, j - i)
        if state[i]:
            pieces.append((length, state[i], text))
        else:
            visible.append(text)
            length += len(text)
        i = j
    return "".join(visible), pieces
