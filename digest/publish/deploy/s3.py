"""Deploy to an S3-compatible store with boto3: only what changed, in plan.py's order.

boto3 finds the store and the keys itself, from the usual AWS variables (AWS_ENDPOINT_URL or
AWS_ENDPOINT_URL_S3 for a store that is not Amazon's, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_PROFILE) or its config files.

A file is unchanged when the listed ETag is its MD5 (a single-part upload's ETag; every
upload here is one). Where the store's ETag is something else (a multipart upload, some
encryptions), the SHA-256 digest stores beside each object (x-amz-meta-sha256) decides.
Each upload carries Content-MD5, so the store refuses bytes damaged on the way.

A failed upload stops the deploy there: the pages come after the assets they use, so a
failure among the assets changes no page, and nothing is deleted before every upload went
through. Only keys under the prefix are ever deleted, and never one with a dot-folder or
dot-file in its path (a store's own `.well-known/`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from digest.errors import DeployError
from digest.publish.deploy.plan import ASSETS, EXPORTS, Change, Outcome, Plan, fingerprint
from digest.publish.deploy.target import S3Target

INSTALL = "pip install 'digest[s3]'"
BATCH = 1000  # keys one DeleteObjects request may name
_REFUSED = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidToken",
    "ExpiredToken",
    "TokenRefreshRequired",
}


def deploy(
    target: S3Target,
    plan: Plan,
    *,
    dry_run: bool,
    progress: Callable[[int], Callable[[str], None]],
) -> Outcome:
    client = _client(target)
    outcome = Outcome(target.url, dry_run)
    listed = _call(target, lambda: _listing(client, target))
    uploads = []
    for published in plan.files:
        key = target.prefix + published.path
        md5, sha256 = fingerprint(plan.root / published.path)
        etag = listed.pop(key, None)
        if etag is not None and _same(client, target, key, etag, md5, sha256):
            outcome.unchanged += 1
            continue
        uploads.append((published, md5, sha256))
        outcome.changes.append(Change("+" if etag is None else "~", published.path))
    stale = sorted(key for key in listed if _ours(key[len(target.prefix) :]))
    outcome.changes += [Change("-", key[len(target.prefix) :]) for key in stale]
    if dry_run:
        return outcome
    advance = progress(len(uploads))
    for done, (published, md5, sha256) in enumerate(uploads):
        key = target.prefix + published.path
        try:
            with (plan.root / published.path).open("rb") as body:
                client.put_object(
                    Bucket=target.bucket,
                    Key=key,
                    Body=body,
                    ContentType=published.content_type,
                    CacheControl=published.cache_control,
                    ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode(),
                    Metadata={"sha256": sha256},
                )
        except Exception as exc:  # botocore's errors, or the file gone meanwhile
            reason = _explained(target, exc)
            raise DeployError(
                f"{target.url}: could not upload {published.path}: {reason}; "
                + _so_far([u for u, _, _ in uploads[:done]])
            ) from exc
        advance(published.path)
    _delete(client, target, stale)
    return outcome


def _client(target: S3Target) -> Any:
    try:
        import boto3.session
        from botocore.config import Config
    except ImportError:
        raise DeployError(f"{target.url}: boto3 is not installed: {INSTALL}") from None
    # "when_required": newer boto3 adds CRC checksums that some S3-compatible stores refuse;
    # Content-MD5 guards each upload instead.
    config = Config(
        connect_timeout=15,
        read_timeout=120,
        retries={"mode": "standard", "max_attempts": 3},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    # A session of its own: boto3's default one keeps the first credentials it found.
    return _call(target, lambda: boto3.session.Session().client("s3", config=config))


def _listing(client: Any, target: S3Target) -> dict[str, str]:
    """Every key under the prefix, with its ETag."""
    found = {}
    pages = client.get_paginator("list_objects_v2")
    arguments = {"Bucket": target.bucket, "Prefix": target.prefix}
    for page in pages.paginate(**arguments):
        for entry in page.get("Contents", []):
            if entry["Key"].startswith(target.prefix):
                found[entry["Key"]] = entry.get("ETag", "")
    return found


def _same(client: Any, target: S3Target, key: str, etag: str, md5: str, sha256: str) -> bool:
    if etag.strip('"').lower() == md5:
        return True
    head = _call(target, lambda: _head(client, target, key))
    return head is not None and head.get("Metadata", {}).get("sha256") == sha256


def _head(client: Any, target: S3Target, key: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        return client.head_object(Bucket=target.bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None  # deleted meanwhile: upload it again
        raise


def _ours(relative: str) -> bool:
    """Whether a stale key is the site's to delete: not a folder marker, no dot-path."""
    parts = PurePosixPath(relative).parts
    return bool(parts) and not relative.endswith("/") and not any(p.startswith(".") for p in parts)


def _delete(client: Any, target: S3Target, stale: list[str]) -> None:
    for start in range(0, len(stale), BATCH):
        batch = stale[start : start + BATCH]
        objects = {"Objects": [{"Key": key} for key in batch], "Quiet": True}
        answer = _call(
            target,
            lambda objects=objects: client.delete_objects(Bucket=target.bucket, Delete=objects),
            after="every file was uploaded, but old files could not be deleted",
        )
        refused = answer.get("Errors") or []
        if refused:
            first = refused[0]
            raise DeployError(
                f"{target.url}: every file was uploaded, but {len(refused)} old files could not "
                f"be deleted: {first.get('Key')}: {first.get('Code')}: {first.get('Message')}"
            )


def _so_far(uploaded: list[Any]) -> str:
    if not uploaded:
        return "nothing was uploaded or deleted"
    pages = sum(u.rank not in (ASSETS, EXPORTS) for u in uploaded)
    said = f"{len(uploaded)} files were uploaded before it"
    if pages:
        return f"{said} ({pages} pages among them); nothing was deleted; run it again"
    return f"{said} (assets and feeds only: no page changed); nothing was deleted"


def _call(target: S3Target, call: Callable[[], Any], after: str = "nothing was changed") -> Any:
    try:
        return call()
    except DeployError:
        raise
    except Exception as exc:
        from botocore.exceptions import BotoCoreError, ClientError

        if not isinstance(exc, (BotoCoreError, ClientError)):
            raise
        raise DeployError(f"{target.url}: {_explained(target, exc)}; {after}") from exc


def _explained(target: S3Target, exc: Exception) -> str:
    """botocore's exception as one line a person can act on."""
    from botocore import exceptions as boto

    if isinstance(exc, (boto.NoCredentialsError, boto.PartialCredentialsError)):
        return "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
    if isinstance(exc, boto.NoRegionError):
        return "no region: set AWS_DEFAULT_REGION"
    if isinstance(exc, (boto.EndpointConnectionError, boto.ConnectTimeoutError)):
        address = urlsplit(str(exc.kwargs.get("endpoint_url") or ""))
        where = f" at {address.scheme}://{address.netloc}" if address.netloc else ""
        return f"could not reach the store{where} (AWS_ENDPOINT_URL, or Amazon's by default)"
    if isinstance(exc, boto.ClientError):
        error = exc.response.get("Error", {})
        code = str(
            error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        )
        message = " ".join(str(error.get("Message") or "").split()).rstrip(".")
        if code == "NoSuchBucket":
            return f"the bucket {target.bucket} does not exist"
        if code in _REFUSED or code == "403":
            return f"the store refused the credentials ({code}{': ' + message if message else ''})"
        return f"{code}: {message}" if message else code
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return " ".join(str(exc).split())
