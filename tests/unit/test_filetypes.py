"""Uploads are checked by content: each allowed extension against real and forged files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hgkiemtra.cases.documents import ALLOWED_TYPES
from hgkiemtra.core.filetypes import CHECKS, matches_extension


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Số vụ"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
TEXT = "Biên bản làm việc với Đảng ủy xã Vị Thanh\r\n\tNgày 15/3/2026\n".encode()

GENUINE = [
    (".pdf", PDF), (".pdf", b"\n\n" + PDF), (".docx", DOCX), (".xlsx", _xlsx()), (".odt", ODT),
    (".doc", OLE), (".xls", OLE), (".png", PNG), (".jpg", JPEG), (".jpeg", JPEG),
    (".txt", TEXT), (".txt", "\ufeffBOM UTF-8 có dấu".encode()),
    (".txt", "Tố cáo".encode("utf-16")),
    # A long text cut inside a two-byte character at the sample boundary is still text.
    (".txt", ("a" * (64 * 1024 - 1) + "đ").encode()),
]
FORGED = [
    (".pdf", b"<!DOCTYPE html><html><script>alert(1)</script>"),
    (".pdf", b"MZ\x90\x00" + b"\x00" * 64),
    (".docx", _xlsx()),  # a spreadsheet renamed
    (".xlsx", DOCX),
    (".docx", b"PK\x03\x04 not really a zip"),
    (".odt", DOCX),
    (".doc", b"MZ\x90\x00"),
    (".png", JPEG),
    (".jpg", PNG),
    (".txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 32),
    (".txt", b"\xff\xfe\xfd not utf-8"),
    (".exe", b"MZ"),
]


@pytest.mark.parametrize(("extension", "content"), GENUINE)
def test_genuine_files_pass(tmp_path: Path, extension: str, content: bytes) -> None:
    path = tmp_path / f"file{extension}"
    path.write_bytes(content)
    assert matches_extension(path, extension)
    assert matches_extension(path, extension.upper())


@pytest.mark.parametrize(("extension", "content"), FORGED)
def test_forged_files_are_refused(tmp_path: Path, extension: str, content: bytes) -> None:
    path = tmp_path / f"file{extension}"
    path.write_bytes(content)
    assert not matches_extension(path, extension)


def test_every_allowed_upload_type_has_a_content_check() -> None:
    assert set(CHECKS) == set(ALLOWED_TYPES)
