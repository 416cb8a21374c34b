"""Check a zip container (DOCX, XLSX) before any library opens it.

Refused, with one line naming the file:

* a zip bomb: more than `MAX_ENTRIES` members, more than `MAX_UNZIPPED`
  bytes once unpacked (the sizes the central directory declares, added up:
  this also catches the "overlapping members" bomb, whose members all point
  at the same compressed bytes), or a member over 1 MB that unpacks to more
  than `MAX_RATIO` times its compressed size;
* a member named with an absolute path (/etc/passwd, C:\\x, \\\\server\\x) or
  with a `..` part, a symbolic link, a NUL in a name, a name given twice, or
  an encrypted member.

The declared sizes can be trusted as a bound: Python's zipfile, which
python-docx and openpyxl read through, never returns more bytes than a
member declares (and then fails its CRC check). Nothing is extracted to
disk, and nothing a member names (an external relationship, a linked image,
an altChunk) is followed or fetched.

    from nlp.readers.zipguard import check_zip
    check_zip(data_or_path, "report.docx")      # raises InputError, or returns the names
"""
from __future__ import annotations

import io
import os
import re
import stat
import zipfile

from nlp.errors import InputError

MAX_ENTRIES = 10_000
MAX_UNZIPPED = 256 * 1024 * 1024  # a DOCX report unpacks to a few MB
MAX_RATIO = 200  # deflate of Word XML rarely passes 30:1; bombs are at 1000:1 and more
RATIO_FROM = 1024 * 1024  # members smaller than this may compress as well as they like

_DRIVE = re.compile(r"^[A-Za-z]:")


def check_zip(source: bytes | str | os.PathLike, name: str, *, kind: str = "zip", max_unzipped: int = MAX_UNZIPPED) -> list[str]:
    """Raise InputError when the zip at `source` (its bytes or a path) is
    unsafe to open; else return its member names. `kind` names the format
    in the message for a corrupt file ("corrupt zip/DOCX file")."""
    try:
        z = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except zipfile.BadZipFile:
        raise InputError(f"{name}: corrupt {kind} file") from None
    except (OSError, ValueError, EOFError) as e:
        raise InputError(f"{name}: corrupt {kind} file ({type(e).__name__})") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(f"{name}: zip has {len(infos)} members (the limit is {MAX_ENTRIES}); refused as a possible zip bomb")
        total = 0
        seen: set[str] = set()
        for info in infos:
            member = info.filename
            problem = _unsafe_name(member)
            if problem:
                raise InputError(f"{name}: zip member {_show(member)} {problem}; refused")
            if member in seen:
                raise InputError(f"{name}: zip member {_show(member)} appears twice; refused")
            seen.add(member)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InputError(f"{name}: zip member {_show(member)} is a symbolic link; refused")
            if info.flag_bits & 0x1:
                raise InputError(f"{name}: encrypted zip member {_show(member)} (password protected); cannot read it")
            total += info.file_size
            if total > max_unzipped:
                raise InputError(
                    f"{name}: zip unpacks to more than {max_unzipped / 2**20:.0f} MB (the limit); refused as a possible zip bomb")
            if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise InputError(
                    f"{name}: zip member {_show(member)} unpacks {info.file_size // max(info.compress_size, 1)} times its size "
                    f"(the limit is {MAX_RATIO}); refused as a possible zip bomb")
        return [i.filename for i in infos]


def _unsafe_name(member: str) -> str | None:
    if "\x00" in member:
        return "has a NUL character in its name"
    if member.startswith(("/", "\\")) or _DRIVE.match(member):
        return "has an absolute path"
    if ".." in re.split(r"[/\\]", member):
        return "has a '..' in its path"
    return None


def _show(member: str) -> str:
    text = member.encode("unicode_escape").decode("ascii") if not member.isprintable() else member
    return repr(text if len(text) <= 80 else text[:79] + "…")
