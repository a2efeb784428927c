"""An S3-compatible server on 127.0.0.1 for the tests of the S3 storages: moto's server, over real
HTTP, driven by the real boto3 and django-storages (no patched client). There is no AWS here; this
is what the code talks to instead, as it would talk to MinIO or Ceph through AWS_S3_ENDPOINT_URL."""

import socket
from dataclasses import dataclass

import boto3
import pytest

ACCESS_KEY = "shop-test-access-key"
SECRET_KEY = "shop-test-secret-key"
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def bucket(self, name: str) -> str:
        client = self.client()
        existing = [bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])]
        if name in existing:  # emptied between tests
            for item in client.list_objects_v2(Bucket=name).get("Contents", []):
                client.delete_object(Bucket=name, Key=item["Key"])
        else:
            client.create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        return sorted(
            item["Key"] for item in self.client().list_objects_v2(Bucket=bucket).get("Contents", [])
        )

    def storage_options(self, bucket: str, **extra) -> dict:
        """OPTIONS of storages.backends.s3.S3Storage for this server."""
        return {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint_url,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
            **extra,
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield S3Server(endpoint_url=f"http://127.0.0.1:{port}")
    server.stop()
