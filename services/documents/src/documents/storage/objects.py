"""The buckets and objects: put a checked file in parts, read one back verified, remove one.

The `minio` client is synchronous (urllib3); every call runs in a worker thread. Object keys
are random and say nothing about the case, the resident or the file; the SHA-256 and the size
that the database keeps are checked against every object read, before any byte is handed out.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import urlsplit

import structlog
import urllib3
from minio import Minio
from minio.error import MinioException, S3Error

log = structlog.get_logger(__name__)
T = TypeVar("T")

_READ_CHUNK: Final = 1024 * 1024
_GENERIC_TYPE: Final = "application/octet-stream"


class StorageUnavailableError(Exception):
    """The object store did not answer, or answered with a server error (HTTP 503)."""


class _BucketMissingError(StorageUnavailableError):
    """A bucket went away (e.g. a fresh storage server): made again on the next use."""


class CorruptObjectError(Exception):
    """The object's bytes do not match the checksum or size in the database."""


@dataclass(frozen=True)
class StoredObject:
    bucket: str
    key: str


def new_object_key() -> str:
    """A key that reveals nothing: 128 random bits, fanned out over 256 prefixes."""
    value = secrets.token_hex(16)
    return f"{value[:2]}/{value}"


class ObjectStore:
    """One S3 endpoint with the service's buckets; built in the lifespan."""

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        region: str,
        buckets: tuple[str, ...],
        part_bytes: int,
        timeout_seconds: float,
    ) -> None:
        url = urlsplit(endpoint)
        if url.scheme not in {"http", "https"} or not url.netloc:
            raise ValueError("the S3 endpoint must be an http(s) URL")
        self._http = urllib3.PoolManager(
            num_pools=4,
            maxsize=32,
            timeout=urllib3.Timeout(connect=3.0, read=timeout_seconds),
            # A refused connection is retried once, not for a minute: the user gets a 503.
            retries=urllib3.Retry(total=1, backoff_factor=0.2, status_forcelist=(502, 503, 504)),
        )
        self._client = Minio(
            url.netloc,
            access_key=access_key,
            secret_key=secret_key,
            region=region,
            secure=url.scheme == "https",
            http_client=self._http,
        )
        self._buckets = buckets
        self._part_bytes = part_bytes
        self._buckets_ready = False

    async def ensure_buckets(self) -> None:
        """Create the buckets when missing (once per process, retried until it worked)."""
        if self._buckets_ready:
            return
        await self._call(self._make_buckets)
        self._buckets_ready = True

    def _make_buckets(self) -> None:
        for bucket in self._buckets:
            if not self._client.bucket_exists(bucket):
                try:
                    self._client.make_bucket(bucket)
                except S3Error as error:
                    if error.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise

    async def put_file(self, *, bucket: str, key: str, path: Path, size: int) -> None:
        """Upload a file from disk, in parts of `part_bytes` (multipart above one part)."""
        await self.ensure_buckets()

        def put() -> None:
            with path.open("rb") as file:
                self._client.put_object(
                    bucket,
                    key,
                    file,
                    length=size,
                    part_size=self._part_bytes,
                    content_type=_GENERIC_TYPE,
                )

        try:
            await self._call(put)
        except _BucketMissingError:
            self._buckets_ready = False
            await self.ensure_buckets()
            await self._call(put)

    async def fetch_verified(
        self, *, bucket: str, key: str, sha256: str, size: int, target: Path
    ) -> None:
        """Copy the object to `target` while hashing it; `CorruptObjectError` when its bytes
        are not the ones stored (the caller must then hand out nothing)."""

        def fetch() -> tuple[str, int]:
            digest = hashlib.sha256()
            seen = 0
            response = self._client.get_object(bucket, key)
            try:
                with target.open("wb") as out:
                    for chunk in response.stream(_READ_CHUNK):
                        digest.update(chunk)
                        seen += len(chunk)
                        out.write(chunk)
            finally:
                response.close()
                response.release_conn()
            return digest.hexdigest(), seen

        actual, seen = await self._call(fetch, missing_is_corrupt=True)
        if actual != sha256 or seen != size:
            raise CorruptObjectError(key)

    async def remove(self, *, bucket: str, key: str) -> None:
        """Remove an object; removing one that is not there is no error."""
        await self._call(lambda: self._client.remove_object(bucket, key))

    async def reachable(self) -> bool:
        try:
            await self._call(lambda: self._client.bucket_exists(self._buckets[0]))
        except StorageUnavailableError:
            return False
        return True

    async def _call(self, work: Callable[[], T], *, missing_is_corrupt: bool = False) -> T:
        try:
            return await asyncio.to_thread(work)
        except S3Error as error:
            if missing_is_corrupt and error.code in {"NoSuchKey", "NoSuchBucket"}:
                raise CorruptObjectError(error.code) from None
            log.warning("documents.storage.refused", code=error.code)
            if error.code == "NoSuchBucket":
                raise _BucketMissingError(error.code) from None
            raise StorageUnavailableError(error.code) from None
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as error:
            log.warning("documents.storage.unreachable", error=type(error).__name__)
            raise StorageUnavailableError(type(error).__name__) from None

    def close(self) -> None:
        self._http.clear()
