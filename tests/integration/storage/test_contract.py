"""One contract, two backends: FolderStorage and S3Storage behave the same.

The S3 backend runs against a local S3-compatible server (moto's, see
conftest.py): we do not run S3 here.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from hgkiemtra.config import ConfigError, load_settings
from hgkiemtra.core.storage import (
    FolderStorage,
    NotStored,
    S3Storage,
    Storage,
    parse_storage_url,
    storage_from_settings,
)
from tests.integration.storage.conftest import ACCESS_KEY, SECRET_KEY, s3_client, s3_url


@pytest.fixture(params=["folder", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "folder":
        return FolderStorage(tmp_path / "storage")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("s3_bucket")
    location = parse_storage_url(s3_url(endpoint, bucket), "").s3
    assert location is not None
    return S3Storage(location, ACCESS_KEY, SECRET_KEY)


class Broken(io.RawIOBase):
    """A stream that fails part-way, like a client that hangs up mid-upload."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.sent > 3 * 1024 * 1024:
            raise ConnectionResetError("client went away")
        buffer[:1024] = b"x" * 1024
        self.sent += 1024
        return 1024


def test_put_then_open_returns_the_same_bytes_with_size_and_sha(storage: Storage) -> None:
    payload = "Biên bản làm việc số 7\n".encode() * 100
    stored = storage.put("ab/abcdef", io.BytesIO(payload))
    assert (stored.key, stored.size) == ("ab/abcdef", len(payload))
    assert stored.sha256 == hashlib.sha256(payload).hexdigest()
    with storage.open("ab/abcdef") as stream:
        assert stream.read() == payload
    assert storage.exists("ab/abcdef") and not storage.exists("ab/other")


def test_a_second_put_replaces_and_delete_removes(storage: Storage) -> None:
    storage.put("exports/1-a.csv", io.BytesIO(b"old"))
    storage.put("exports/1-a.csv", io.BytesIO(b"new"))
    with storage.open("exports/1-a.csv") as stream:
        assert stream.read() == b"new"
    storage.delete("exports/1-a.csv")
    storage.delete("exports/1-a.csv")  # deleting what is gone is not an error
    assert not storage.exists("exports/1-a.csv")
    with pytest.raises(NotStored):
        storage.open("exports/1-a.csv")


def test_keys_lists_what_was_stored_under_a_prefix(storage: Storage) -> None:
    for key in ("ab/ab1", "cd/cd2", "exports/3-x.xlsx"):
        storage.put(key, io.BytesIO(key.encode()))
    assert sorted(storage.keys()) == ["ab/ab1", "cd/cd2", "exports/3-x.xlsx"]
    assert list(storage.keys("exports/")) == ["exports/3-x.xlsx"]


@pytest.mark.parametrize("key", ["", "../etc/passwd", "/abs", "a//b", ".hidden", "a/../b",
                                 "a/b/", "sp ace", "a\\b", "x" * 600])
def test_unsafe_keys_are_refused_and_nothing_is_written(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        storage.put(key, io.BytesIO(b"x"))
    assert list(storage.keys()) == []


def test_a_large_stream_round_trips(storage: Storage) -> None:
    payload = os.urandom(9 * 1024 * 1024 + 17)  # above boto3's multipart threshold (8 MB)
    stored = storage.put("ff/big", io.BytesIO(payload))
    assert stored.size == len(payload) and stored.sha256 == hashlib.sha256(payload).hexdigest()
    with storage.open("ff/big") as stream:
        assert hashlib.sha256(stream.read()).hexdigest() == stored.sha256


def test_an_interrupted_put_leaves_nothing_behind(storage: Storage) -> None:
    storage.put("ab/kept", io.BytesIO(b"earlier"))
    with pytest.raises(OSError):
        storage.put("ab/kept", Broken())  # type: ignore[arg-type]
    with storage.open("ab/kept") as stream:
        assert stream.read() == b"earlier"  # never half-replaced
    assert list(storage.keys()) == ["ab/kept"]


def test_a_folder_never_reaches_outside_its_root(tmp_path: Path) -> None:
    root = tmp_path / "storage"
    (root / "ab").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "ab" / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(ValueError):
        FolderStorage(root).put("ab/link/escaped", io.BytesIO(b"x"))
    assert not (tmp_path / "outside" / "escaped").exists()


def test_a_bucket_that_cannot_be_reached_is_a_storage_error() -> None:
    location = parse_storage_url("s3://b?endpoint=http://127.0.0.1:9", "").s3
    assert location is not None
    dead = S3Storage(location, "k", "s")
    with pytest.raises(OSError):
        dead.exists("ab/x")


def test_settings_choose_the_backend(tmp_path: Path, s3_endpoint: str) -> None:
    folder = storage_from_settings(load_settings({}, INSTANCE_DIR=str(tmp_path)))
    assert isinstance(folder, FolderStorage) and folder.root == tmp_path / "storage"
    named = load_settings({}, INSTANCE_DIR=str(tmp_path), STORAGE_URL=f"file://{tmp_path}/d")
    assert named.STORAGE_DIR == f"{tmp_path}/d"
    assert storage_from_settings(named).describe() == f"folder {tmp_path}/d"
    bucket = load_settings({}, INSTANCE_DIR=str(tmp_path),
                           STORAGE_URL=s3_url(s3_endpoint, "hgk-b", "p/q"),
                           STORAGE_ACCESS_KEY=ACCESS_KEY, STORAGE_SECRET_KEY=SECRET_KEY)
    s3 = storage_from_settings(bucket)
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == ("hgk-b", "p/q")


@pytest.mark.parametrize("url", ["ftp://x/y", "s3://", "s3://b?endpoint=ftp://h",
                                 "s3://b?colour=red", "file://host/path", "s3://b/../x"])
def test_bad_storage_urls_are_refused_at_start(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="STORAGE_URL"):
        load_settings({"HGKIEMTRA_STORAGE_URL": url}, INSTANCE_DIR=str(tmp_path))


def test_half_a_credential_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="go together"):
        load_settings({"HGKIEMTRA_STORAGE_ACCESS_KEY": "k"}, INSTANCE_DIR=str(tmp_path))


def test_objects_live_under_the_prefix_in_the_bucket(s3_endpoint: str, s3_bucket: str) -> None:
    location = parse_storage_url(s3_url(s3_endpoint, s3_bucket, "hgk/docs"), "").s3
    assert location is not None
    S3Storage(location, ACCESS_KEY, SECRET_KEY).put("ab/abc", io.BytesIO(b"x"))
    listed = s3_client(s3_endpoint).list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [o["Key"] for o in listed] == ["hgk/docs/ab/abc"]
