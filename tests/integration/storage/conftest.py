"""A local S3-compatible server for the storage tests.

We do not run AWS S3 (or MinIO) here, so the S3 backend is tested against
moto's S3 server (``moto[server]``, ThreadedMotoServer) listening on a
loopback port: the real boto3 client speaks real HTTP to it, exactly as to a
bucket in production; only the server on the other side is a stand-in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest

ACCESS_KEY = "hgk-test-access"
SECRET_KEY = "hgk-test-secret"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


@pytest.fixture()
def s3_bucket(s3_endpoint: str) -> str:
    """A new, empty bucket for one test."""
    name = f"hgk-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


def s3_url(endpoint: str, bucket: str, prefix: str = "tai-lieu") -> str:
    return f"s3://{bucket}/{prefix}?endpoint={endpoint}&region=us-east-1"


def s3_settings(endpoint: str, bucket: str, prefix: str = "tai-lieu") -> dict[str, str]:
    return {"STORAGE_URL": s3_url(endpoint, bucket, prefix),
            "STORAGE_ACCESS_KEY": ACCESS_KEY, "STORAGE_SECRET_KEY": SECRET_KEY}
