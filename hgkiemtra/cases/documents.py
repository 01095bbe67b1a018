"""Case documents: bytes in the storage (core/storage.py) under their SHA-256,
metadata in the database."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case, Document
from hgkiemtra.cases.service import get_case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.core.filetypes import matches_extension
from hgkiemtra.core.storage import StorageLike, as_storage
from workflows.engine import Role
from workflows.text import msg

ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
}

# Typed artefacts of the procedures (domain.md §9.7).
DOC_TYPES = {
    "decision": "Quyết định",
    "plan": "Kế hoạch",
    "outline": "Đề cương gợi ý báo cáo",
    "explanation": "Báo cáo giải trình",
    "self_inspection": "Báo cáo tự kiểm tra",
    "self_criticism": "Bản tự kiểm điểm",
    "minutes": "Biên bản",
    "result_report": "Báo cáo kết quả",
    "conclusion_notice": "Thông báo kết luận",
    "discipline_decision": "Quyết định kỷ luật",
    "other": "Tài liệu khác",
}

WRITERS = frozenset({Role.INSPECTOR, Role.MEMBER, Role.CHAIR})
CHUNK = 1024 * 1024


def store_document(
    actor: Actor,
    case_id: int,
    *,
    filename: str,
    stream: BinaryIO,
    storage: StorageLike | None = None,
    doc_type: str = "other",
    max_bytes: int = 20 * 1024 * 1024,
    storage_dir: str | Path | None = None,
) -> Document:
    """Check and store the bytes under their SHA-256 (stored once however often
    uploaded), then add the metadata row. ``storage_dir`` is the older name of
    ``storage`` (a folder path)."""
    target = as_storage(_given(storage, storage_dir))
    case = get_case(actor, case_id)
    if not actor.roles_for(case.organisation.path) & WRITERS:
        raise PermissionDenied(msg("Vai trò của bạn không được tải tài liệu lên hồ sơ này"))
    if doc_type not in DOC_TYPES:
        raise ValidationFailed(msg("Loại tài liệu không hợp lệ: {doc_type}", doc_type=doc_type))
    name = Path(filename or "").name.strip()
    extension = Path(name).suffix.lower()
    if not name or extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise ValidationFailed(
            msg("Chỉ nhận các tệp: {allowed}", allowed=allowed), {"filename": name}
        )
    digest, size, temp_path = _spool(stream, max_bytes)
    try:
        _check_content(temp_path, size, extension, name)
        key = document_key(digest)
        if not target.exists(key):
            with open(temp_path, "rb") as blob:
                target.put(key, blob)
    finally:
        os.unlink(temp_path)
    document = Document(
        case_id=case.id, doc_type=doc_type, filename=name[:255],
        content_type=ALLOWED_TYPES[extension], size=size, sha256=digest,
        uploaded_by_id=actor.user_id, uploaded_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    return document


def _given(storage: StorageLike | None, storage_dir: str | Path | None) -> StorageLike:
    if storage is None and storage_dir is None:
        raise TypeError("store_document() needs storage")
    return storage if storage is not None else storage_dir  # type: ignore[return-value]


def _check_content(temp_path: str, size: int, extension: str, name: str) -> None:
    if size == 0:
        raise ValidationFailed(msg("Tệp rỗng"))
    if not matches_extension(Path(temp_path), extension):
        raise ValidationFailed(
            msg(
                "Nội dung tệp không phải là tệp {extension} như tên tệp ghi: hãy tải lên đúng tệp",
                extension=extension,
            ),
            {"filename": name},
        )


def _spool(stream: BinaryIO, max_bytes: int) -> tuple[str, int, str]:
    """The upload in a local temporary file (its type is checked from the bytes
    before anything reaches the shared storage), with its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    fd, temp_path = tempfile.mkstemp(prefix="hgk-upload-")
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                os.unlink(temp_path)
                raise ValidationFailed(
                    msg("Tệp lớn hơn {megabytes} MB", megabytes=max_bytes // (1024 * 1024))
                )
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size, temp_path


def document_key(sha256: str) -> str:
    """The storage key of a document's bytes: ``ab/ab12…`` (content addressed)."""
    return f"{sha256[:2]}/{sha256}"


def list_documents(actor: Actor, case_id: int) -> list[Document]:
    case: Case = get_case(actor, case_id)
    return list(db.session.execute(
        sa.select(Document).where(Document.case_id == case.id).order_by(Document.uploaded_at)
    ).scalars())


def open_document(actor: Actor, document_id: int,
                  storage: StorageLike) -> tuple[Document, BinaryIO]:
    """The document and its bytes (a stream the caller closes), when the actor may
    see its case; NotStored when the bytes are missing from the storage."""
    document = find_document(actor, document_id)
    return document, as_storage(storage).open(document_key(document.sha256))


def find_document(actor: Actor, document_id: int) -> Document:
    """The document's metadata, when the actor may see its case."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound(msg("Không tìm thấy tài liệu {document_id}", document_id=document_id))
    get_case(actor, document.case_id)
    return document
