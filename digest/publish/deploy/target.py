"""Where a deploy goes: a DIGEST_DEPLOY (or `--to`) URL read into a typed target. Pure.

The grammar is config.check_deploy_url, so a URL passing the settings check always parses
here; this module only names its parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from digest.config import check_deploy_url

DEFAULT_BRANCH = "gh-pages"  # GitHub Pages' branch, and ghp-import's


@dataclass(frozen=True)
class RsyncTarget:
    """rsync over SSH (`ssh://`) or to an rsync daemon's module (`rsync://`)."""

    url: str
    host: str
    user: str | None
    port: int | None
    path: str  # ssh: a remote path (relative to the login's home without a leading /)
    daemon: bool  # rsync:// (the path starts with the module)

    @property
    def destination(self) -> str:
        """rsync's own way to write the destination folder (always with a trailing /)."""
        path = self.path.rstrip("/") + "/"
        host = f"[{self.host}]" if ":" in self.host else self.host
        login = f"{self.user}@" if self.user else ""
        if self.daemon:
            port = f":{self.port}" if self.port else ""
            return f"rsync://{login}{host}{port}/{path.lstrip('/')}"
        return f"{login}{host}:{path}"


@dataclass(frozen=True)
class S3Target:
    url: str
    bucket: str
    prefix: str  # "" (the whole bucket) or "some/folder/", always ending in /


@dataclass(frozen=True)
class GitTarget:
    url: str
    remote: str  # what git is given: the URL without "git+" and the #branch
    branch: str


Target = RsyncTarget | S3Target | GitTarget


def parse(url: str) -> Target:
    """The target a deploy URL names; ValueError (what is wrong, the accepted forms)."""
    url = check_deploy_url(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    path = unquote(parts.path)
    if scheme == "s3":
        prefix = path.strip("/")
        return S3Target(url, parts.netloc, f"{prefix}/" if prefix else "")
    if scheme.startswith("git+"):
        remote = url[len("git+") :].split("#", 1)[0]
        branch = unquote(parts.fragment) or DEFAULT_BRANCH
        return GitTarget(url, remote, branch)
    user = unquote(parts.username) if parts.username else None
    host = parts.hostname or ""
    if scheme == "ssh" and path.startswith("/~/"):
        path = path[len("/~/") :]  # ssh://host/~/site: the folder site in the login's home
    return RsyncTarget(url, host, user, parts.port, path, daemon=scheme == "rsync")


def shown(target: Target) -> str:
    """The target as messages name it."""
    return target.url
