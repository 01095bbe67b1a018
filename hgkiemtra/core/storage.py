"""Where uploaded documents and export files live: one interface, two backends.

Every web node and worker reaches the same bytes through a ``Storage``: a
folder (the default; on several nodes, a shared folder such as an NFS mount)
or an S3-compatible bucket. Keys are relative, slash-separated names made by
the server (``ab/ab12…`` for a document's SHA-256, ``exports/<file>`` for an
export); anything else is refused before it reaches a path or a bucket.

No Flask here: the application builds its storage once from the settings
(``storage_from_settings``) and hands it to the services.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import parse_qs, urlsplit

CHUNK = 1024 * 1024
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_TEMP_PREFIX = ".tmp-"


class StorageError(OSError):
    """The storage could not be read or written (a bucket that is down, a full disk)."""


class NotStored(StorageError, FileNotFoundError):
    """No object under that key."""


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str


def check_key(key: str) -> str:
    """The key itself when it is a safe relative name; ValueError otherwise."""
    parts = key.split("/")
    if not key or len(key) > 512 or not all(_PART.match(p) for p in parts):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, stream: BinaryIO) -> Stored: ...
    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def keys(self, prefix: str = "") -> Iterator[str]: ...
    def local_path(self, key: str) -> Path | None: ...
    def describe(self) -> str: ...


class _Hashing:
    """Reads through a stream, counting and hashing what passes."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.size, self.digest = stream, 0, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.size += len(chunk)
        self.digest.update(chunk)
        return chunk


class FolderStorage:
    """Files under ``root``: written to a temporary name, then renamed (atomic)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):  # a symlink inside root pointing out
            raise ValueError(f"storage key {key!r} leaves the storage folder")
        return path

    def put(self, key: str, stream: BinaryIO) -> Stored:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX)
        reader = _Hashing(stream)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return Stored(key, reader.size, reader.digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise NotStored(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            name = path.relative_to(self.root).as_posix()
            hidden = any(part.startswith(".") for part in name.split("/"))
            if path.is_file() and not hidden and name.startswith(prefix):
                yield name

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def describe(self) -> str:
        return f"folder {self.root}"


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str = ""
    endpoint: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class StorageLocation:
    kind: str  # folder | s3
    folder: str = ""
    s3: S3Location | None = field(default=None)


def parse_storage_url(url: str, default_folder: str) -> StorageLocation:
    """``""`` (the default folder), ``file:///path`` or
    ``s3://bucket/prefix?endpoint=http://host:9000&region=…``; ValueError otherwise."""
    if not url:
        return StorageLocation("folder", folder=default_folder)
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError("a file: storage URL is file:///absolute/path")
        return StorageLocation("folder", folder=parts.path)
    if parts.scheme != "s3":
        raise ValueError("the storage URL must start with file:/// or s3://")
    if not parts.netloc:
        raise ValueError("an s3:// storage URL names a bucket: s3://bucket/prefix")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"endpoint", "region"}
    if unknown:
        raise ValueError(f"unknown storage URL parameter(s): {', '.join(sorted(unknown))}")
    endpoint = query.get("endpoint", [""])[-1] or None
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ValueError("the storage endpoint must be an http:// or https:// URL")
    prefix = parts.path.strip("/")
    if prefix:
        check_key(prefix)
    return StorageLocation("s3", s3=S3Location(parts.netloc, prefix, endpoint,
                                               query.get("region", [""])[-1] or None))


class S3Storage:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage…).

    An object appears whole when its upload completes, so no temporary name is
    needed. Credentials: the ones given, else boto3's usual chain
    (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, instance roles).
    """

    def __init__(self, location: S3Location, access_key: str = "", secret_key: str = "") -> None:
        import boto3
        from botocore.config import Config

        self.location = location
        self.bucket, self.prefix = location.bucket, location.prefix
        self.client: Any = boto3.client(
            "s3", endpoint_url=location.endpoint, region_name=location.region or "us-east-1",
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60,
                          retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, method: str, key: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, Key=self._name(key), **kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                raise NotStored(key) from None
            raise StorageError(f"S3 {method} {key}: {code or exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"S3 {method} {key}: {exc}") from exc

    def put(self, key: str, stream: BinaryIO) -> Stored:
        from boto3.s3.transfer import TransferConfig
        from botocore.exceptions import BotoCoreError, ClientError

        reader = _Hashing(stream)
        try:
            # One thread: the hashing reader must see the bytes in order.
            self.client.upload_fileobj(reader, self.bucket, self._name(key),
                                       Config=TransferConfig(use_threads=False))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"S3 upload {key}: {exc}") from exc
        return Stored(key, reader.size, reader.digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        body: BinaryIO = self._call("get_object", key)["Body"]
        return body

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", key)
        except NotStored:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", key)

    def keys(self, prefix: str = "") -> Iterator[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        base = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=base + prefix)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    yield str(item["Key"])[len(base):]
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"S3 list {prefix!r}: {exc}") from exc

    def local_path(self, key: str) -> Path | None:
        return None

    def describe(self) -> str:
        where = self.location.endpoint or "AWS"
        return f"s3://{self.bucket}/{self.prefix} at {where}"


def make_storage(url: str, default_folder: str, access_key: str = "",
                 secret_key: str = "") -> Storage:
    location = parse_storage_url(url, default_folder)
    if location.kind == "folder":
        return FolderStorage(location.folder)
    assert location.s3 is not None
    return S3Storage(location.s3, access_key, secret_key)


def storage_from_settings(settings: Any) -> Storage:
    """The storage named by HGKIEMTRA_STORAGE_URL (empty: the folder STORAGE_DIR)."""
    return make_storage(settings.STORAGE_URL, settings.STORAGE_DIR,
                        settings.STORAGE_ACCESS_KEY, settings.STORAGE_SECRET_KEY)


StorageLike = Storage | str | Path


def as_storage(where: StorageLike) -> Storage:
    """A storage as is; a folder path (what the services took before) as a FolderStorage."""
    if isinstance(where, str | Path):
        return FolderStorage(where)
    return where
