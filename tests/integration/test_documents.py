import hashlib
import io

import pytest

from hgkiemtra.cases import documents
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from tests import factories as f


@pytest.fixture()
def w(session):
    return f.world()


def test_store_and_open(w, tmp_path):
    c = f.case(w)
    payload = "%PDF-1.4\n% Quyết định kiểm tra số 15\n%%EOF\n".encode()
    doc = documents.store_document(w.actor(w.inspector), c.id, filename="../../qd-15.pdf",
                                   stream=io.BytesIO(payload), storage=tmp_path,
                                   doc_type="decision")
    assert doc.filename == "qd-15.pdf" and doc.size == len(payload)
    assert doc.sha256 == hashlib.sha256(payload).hexdigest()
    found, stream = documents.open_document(w.actor(w.chair), doc.id, tmp_path)
    with stream:
        assert stream.read() == payload and found.id == doc.id
    assert (tmp_path / doc.sha256[:2] / doc.sha256).read_bytes() == payload  # same layout
    assert [d.id for d in documents.list_documents(w.actor(w.viewer), c.id)] == [doc.id]


@pytest.mark.parametrize(
    ("filename", "content", "doc_type"),
    [("virus.exe", b"MZ", "other"), ("a.pdf", b"", "other"), ("a.pdf", b"x", "bogus"),
     ("a.pdf", b"x" * 2048, "other"), ("a.pdf", b"<html><script>x</script></html>", "other"),
     ("bien-ban.doc", b"MZ\x90\x00\x03", "minutes"), ("anh.png", b"\xff\xd8\xff\xe0", "other")],
)
def test_rejections(w, tmp_path, filename, content, doc_type):
    c = f.case(w)
    with pytest.raises(ValidationFailed):
        documents.store_document(w.actor(w.inspector), c.id, filename=filename,
                                 stream=io.BytesIO(content), storage=tmp_path,
                                 doc_type=doc_type, max_bytes=1024)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_scope_and_role(w, tmp_path):
    c = f.case(w)
    with pytest.raises(PermissionDenied):
        documents.store_document(w.actor(w.viewer), c.id, filename="a.pdf",
                                 stream=io.BytesIO(b"x"), storage=tmp_path)
    with pytest.raises(NotFound):
        documents.store_document(w.actor(w.outsider), c.id, filename="a.pdf",
                                 stream=io.BytesIO(b"x"), storage=tmp_path)


def test_the_older_storage_dir_keyword_still_stores_in_that_folder(w, tmp_path):
    c = f.case(w)
    doc = documents.store_document(w.actor(w.inspector), c.id, filename="a.txt",
                                   stream=io.BytesIO(b"bien ban\n"), storage_dir=str(tmp_path))
    assert (tmp_path / doc.sha256[:2] / doc.sha256).read_bytes() == b"bien ban\n"
