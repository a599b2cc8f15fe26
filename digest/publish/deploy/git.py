"""Deploy to a branch of a git repository: GitHub Pages' gh-pages, the way ghp-import does.

Each deploy is one commit whose tree is exactly the published files (plan.py) plus an empty
`.nojekyll` (GitHub Pages would otherwise hide folders starting with `_`), on top of the
branch's tip, pushed without force: a branch that moved meanwhile refuses the push, and
nothing is lost. A build that changed nothing makes no commit.

The work happens in a bare repository of digest's own under the project's cache folder
(fetched into, never checked out): the user's repository, index and working tree are never
touched, whatever GIT_DIR or the working folder say. Blobs are hashed with `--no-filters`,
so no .gitattributes, autocrlf or LFS filter changes a published byte. The author and
committer are the user's (GIT_AUTHOR_NAME..., or git's user.name and user.email), else
`digest <digest@localhost>`; the dates are the clock's, so a deploy under
SOURCE_DATE_EPOCH makes the same commit every time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from digest.errors import DeployError
from digest.publish.deploy.plan import Change, Outcome, Plan
from digest.publish.deploy.target import GitTarget

NOJEKYLL = ".nojekyll"
BATCH = 200  # paths per `git hash-object` call
NETWORK_SECONDS = 1800  # a fetch or a push that takes longer is stuck
# Variables that would point git at another repository, index or working tree.
_REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_QUARANTINE_PATH",
)


class _Git:
    """git, run on digest's bare repository `cache` only."""

    def __init__(self, target: GitTarget, cache: Path, env: Mapping[str, str]) -> None:
        self.target = target
        self.cache = cache
        self.env = {k: v for k, v in env.items() if k not in _REPOSITORY_VARIABLES}
        self.env.update(GIT_TERMINAL_PROMPT="0", SSH_ASKPASS_REQUIRE="never")

    def __call__(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
        after: str = "nothing was changed",
    ) -> str:
        try:
            done = subprocess.run(
                ["git", f"--git-dir={self.cache}", *args],
                input=input,
                stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True,
                cwd=self.cache,
                env={**self.env, **(env or {})},
                timeout=timeout,
                start_new_session=True,  # no terminal: ssh and git never ask for a password
            )
        except subprocess.TimeoutExpired:
            raise DeployError(
                f"{self.target.url}: git {args[0]} took more than {timeout:.0f} s; {after}"
            ) from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").splitlines()
            cause = _cause(said) or f"git {args[0]} failed (exit {done.returncode})"
            raise DeployError(f"{self.target.url}: {cause}; {after}")
        return done.stdout.decode("utf-8", "surrogateescape")


def deploy(
    target: GitTarget,
    plan: Plan,
    *,
    cache: Path,
    dry_run: bool,
    now: datetime,
    message: str,
    progress: Callable[[int], Callable[[str], None]],
    env: Mapping[str, str] | None = None,
) -> Outcome:
    """`cache`: the folder of digest's bare repositories, one per remote."""
    if shutil.which("git") is None:
        raise DeployError(f"{target.url}: git is not installed: apt-get install git")
    name = hashlib.sha256(target.remote.encode()).hexdigest()[:16]
    git = _Git(target, cache / f"{name}.git", os.environ if env is None else env)
    _open(git)
    tip = _fetch(git, target)
    tree = _tree(git, plan, progress)
    outcome = Outcome(target.url, dry_run)
    old_tree = git("rev-parse", f"{tip}^{{tree}}").strip() if tip else None
    outcome.changes = _changes(git, old_tree, tree, plan)
    outcome.unchanged = len(plan.files) - outcome.uploaded
    if tree == old_tree:
        outcome.note = f"nothing changed: no commit on {target.branch}"
        return outcome
    if dry_run:
        outcome.note = f"would commit on {target.branch}"
        return outcome
    commit = _commit(git, tree, tip, message, now)
    git(
        "push",
        "--quiet",
        target.remote,
        f"{commit}:refs/heads/{target.branch}",
        timeout=NETWORK_SECONDS,
        after=f"nothing was changed on {target.branch}",
    )
    git("update-ref", "refs/digest/tip", commit)
    outcome.note = f"commit {commit[:12]} on {target.branch}"
    return outcome


def _open(git: _Git) -> None:
    if not (git.cache / "HEAD").is_file():
        git.cache.mkdir(parents=True, exist_ok=True)
        git("init", "--bare", "--quiet", str(git.cache))


def _fetch(git: _Git, target: GitTarget) -> str | None:
    """The branch's tip, fetched into the cache; None for a branch that does not exist yet."""
    ref = f"refs/heads/{target.branch}"
    listed = git("ls-remote", "--heads", target.remote, ref, timeout=NETWORK_SECONDS)
    if not any(line.split("\t")[-1] == ref for line in listed.splitlines()):
        return None
    git(
        "fetch",
        "--quiet",
        "--no-tags",
        target.remote,
        f"+{ref}:refs/digest/tip",
        timeout=NETWORK_SECONDS,
    )
    return git("rev-parse", "--verify", "refs/digest/tip^{commit}").strip()


def _tree(git: _Git, plan: Plan, progress: Callable[[int], Callable[[str], None]]) -> str:
    """The tree of the published files (and .nojekyll), written into the cache."""
    advance = progress(len(plan.files))
    entries = [f"100644 {git('hash-object', '-w', '--stdin', input=b'').strip()}\t{NOJEKYLL}"]
    paths = [f.path for f in plan.files]
    for start in range(0, len(paths), BATCH):
        batch = paths[start : start + BATCH]
        # As arguments, not --stdin-paths: any file name goes through, line breaks too.
        full = [str(plan.root / path) for path in batch]
        blobs = git("hash-object", "-w", "--no-filters", "--", *full).split()
        entries += [f"100644 {blob}\t{path}" for blob, path in zip(blobs, batch, strict=True)]
        for path in batch:
            advance(path)
    with tempfile.TemporaryDirectory(prefix="digest-deploy-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        listing = "".join(f"{entry}\0" for entry in entries).encode("utf-8", "surrogateescape")
        git("update-index", "--add", "-z", "--index-info", input=listing, env=index)
        return git("write-tree", env=index).strip()


def _changes(git: _Git, old_tree: str | None, tree: str, plan: Plan) -> list[Change]:
    if old_tree is None:
        return [Change("+", f.path) for f in plan.files]
    said = git("diff-tree", "-r", "-z", "--no-renames", "--name-status", old_tree, tree)
    fields = said.split("\0")
    marks = {"A": "+", "M": "~", "T": "~", "D": "-"}
    changes = [
        Change(marks.get(status[:1], "~"), path)
        for status, path in zip(fields[0::2], fields[1::2], strict=False)
        if path and path != NOJEKYLL
    ]
    return [c for c in changes if c.mark != "-"] + [c for c in changes if c.mark == "-"]


def _commit(git: _Git, tree: str, tip: str | None, message: str, now: datetime) -> str:
    name, email = _configured(git, "name"), _configured(git, "email")
    who = {"GIT_AUTHOR_DATE": f"{int(now.timestamp())} +0000"}
    who["GIT_COMMITTER_DATE"] = who["GIT_AUTHOR_DATE"]
    for role in ("AUTHOR", "COMMITTER"):  # the environment's, else git's user, else digest
        who[f"GIT_{role}_NAME"] = git.env.get(f"GIT_{role}_NAME") or name
        who[f"GIT_{role}_EMAIL"] = git.env.get(f"GIT_{role}_EMAIL") or email
    parents = ["-p", tip] if tip else []
    text = f"{message}\n".encode()
    return git("commit-tree", tree, *parents, "-F", "-", input=text, env=who).strip()


def _configured(git: _Git, key: str) -> str:
    """The user's own git identity (global or system config), else digest's."""
    try:
        value = git("config", "--get", f"user.{key}").strip()
    except DeployError:  # not set
        value = ""
    return value or {"name": "digest", "email": "digest@localhost"}[key]


def _cause(lines: list[str]) -> str:
    """The line of git's complaint that says why: a rejected ref, else the fatal line."""
    said = [line.strip() for line in lines if line.strip()]
    for line in said:
        if "[rejected]" in line or "non-fast-forward" in line or "fetch first" in line:
            return f"the branch moved since it was fetched (another deploy?); run it again ({line})"
        if "[remote rejected]" in line:
            return f"the remote refused the push: {line.lstrip('! ')}"
    fatal = [line for line in said if line.startswith(("fatal:", "error:"))]
    chosen = (fatal or said or [""])[0]
    return chosen.removeprefix("fatal: ").removeprefix("error: ")
