"""Is an uploaded file what its name says? Checked from its bytes, not trusted from the name.

A browser sends whatever Content-Type the client likes, and a name ending in
``.pdf`` says nothing: an HTML page or an executable renamed to ``bien-ban.pdf``
must be refused before it is stored, because it would later be downloaded and
opened by committee staff. Each allowed extension has a signature here; Office
Open XML and OpenDocument files are ZIP archives, so their parts are looked at.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls (Compound File)
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
ZIP = b"PK\x03\x04"
TEXT_SAMPLE = 64 * 1024
# Control characters that never occur in a plain-text document (tab, LF, CR, FF allowed).
_BINARY_CONTROLS = frozenset(range(0x00, 0x09)) | {0x0B} | frozenset(range(0x0E, 0x20)) - {0x1B}


def _head(path: Path, size: int = 1024) -> bytes:
    with path.open("rb") as stream:
        return stream.read(size)


def _is_pdf(path: Path) -> bool:
    # The header may follow a few junk bytes (PDF 1.7 §7.5.2 readers accept 1024).
    return b"%PDF-" in _head(path)


def _zip_names(path: Path) -> set[str]:
    if not _head(path, 4).startswith(ZIP):
        return set()
    try:
        with zipfile.ZipFile(path) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def _is_ooxml(part: str) -> Callable[[Path], bool]:
    def check(path: Path) -> bool:
        names = _zip_names(path)
        return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)
    return check


def _is_odt(path: Path) -> bool:
    if "mimetype" not in _zip_names(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text"


def _is_text(path: Path) -> bool:
    sample = _head(path, TEXT_SAMPLE)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            sample.decode("utf-16")
            return True
        except UnicodeDecodeError:
            return len(sample) == TEXT_SAMPLE  # cut inside a character at the sample's end
    try:
        # Incremental: a character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return not any(byte in _BINARY_CONTROLS for byte in sample)


CHECKS: dict[str, Callable[[Path], bool]] = {
    ".pdf": _is_pdf,
    ".doc": lambda p: _head(p, 8) == OLE2,
    ".xls": lambda p: _head(p, 8) == OLE2,
    ".docx": _is_ooxml("word/"),
    ".xlsx": _is_ooxml("xl/"),
    ".odt": _is_odt,
    ".jpg": lambda p: _head(p, 3) == JPEG,
    ".jpeg": lambda p: _head(p, 3) == JPEG,
    ".png": lambda p: _head(p, 8) == PNG,
    ".txt": _is_text,
}


def matches_extension(path: Path, extension: str) -> bool:
    """True when the file's content is of the type its extension names."""
    check = CHECKS.get(extension.lower())
    return check is not None and check(path)
