"""Case documents: bytes in the storage folder under their SHA-256, metadata in the database."""

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
from workflows.engine import Role

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
    storage_dir: str | Path,
    doc_type: str = "other",
    max_bytes: int = 20 * 1024 * 1024,
) -> Document:
    case = get_case(actor, case_id)
    if not actor.roles_for(case.organisation.path) & WRITERS:
        raise PermissionDenied("Vai trò của bạn không được tải tài liệu lên hồ sơ này")
    if doc_type not in DOC_TYPES:
        raise ValidationFailed(f"Loại tài liệu không hợp lệ: {doc_type}")
    name = Path(filename or "").name.strip()
    extension = Path(name).suffix.lower()
    if not name or extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise ValidationFailed(f"Chỉ nhận các tệp: {allowed}", {"filename": name})
    digest, size, temp_path = _spool(stream, Path(storage_dir), max_bytes)
    if size == 0:
        os.unlink(temp_path)
        raise ValidationFailed("Tệp rỗng")
    if not matches_extension(Path(temp_path), extension):
        os.unlink(temp_path)
        raise ValidationFailed(
            f"Nội dung tệp không phải là tệp {extension} như tên tệp ghi: hãy tải lên đúng tệp",
            {"filename": name},
        )
    final = blob_path(storage_dir, digest)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp_path, final)
    document = Document(
        case_id=case.id, doc_type=doc_type, filename=name[:255],
        content_type=ALLOWED_TYPES[extension], size=size, sha256=digest,
        uploaded_by_id=actor.user_id, uploaded_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    return document


def _spool(stream: BinaryIO, storage_dir: Path, max_bytes: int) -> tuple[str, int, str]:
    storage_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temp_path = tempfile.mkstemp(dir=storage_dir, prefix=".upload-")
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                os.unlink(temp_path)
                raise ValidationFailed(f"Tệp lớn hơn {max_bytes // (1024 * 1024)} MB")
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size, temp_path


def blob_path(storage_dir: str | Path, sha256: str) -> Path:
    return Path(storage_dir) / sha256[:2] / sha256


def list_documents(actor: Actor, case_id: int) -> list[Document]:
    case: Case = get_case(actor, case_id)
    return list(db.session.execute(
        sa.select(Document).where(Document.case_id == case.id).order_by(Document.uploaded_at)
    ).scalars())


def open_document(actor: Actor, document_id: int, storage_dir: str | Path) -> tuple[Document, Path]:
    """The document and its file, when the actor may see its case."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound(f"Không tìm thấy tài liệu {document_id}")
    get_case(actor, document.case_id)
    return document, blob_path(storage_dir, document.sha256)
