"""Publishing results on a shared folder: staged, atomic, collision-free, no litter.

Rules:
- Everything is written first under a hidden staging name beside its target
  (`.tmp-<pid>.<start>@<host>@...`), so a crash never leaves a folder or file
  that looks complete.
- The final name is claimed atomically: a rename that fails when the target
  exists (Linux `renameat2(RENAME_NOREPLACE)`; elsewhere `mkdir` of the target
  for a folder, a hard link for a file). A folder that loses the race takes the
  next suffix (`name-1`, `name-2`, ...); a file that loses keeps the copy that
  was there first. So concurrent runs on one folder each publish exactly one
  complete result and no staging folder is left behind.
- Staging names carry the writer's process id, start time and host, so a later
  run removes those whose writer is dead on this host (after kill -9).
- A full disk or a refused write removes the staging copy and any folder this
  run created empty, and becomes one line (`OutputError`, exit code 2).
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from .errors import ScenarioError

PREFIX = ".tmp-"
OWNER = re.compile(r"^\.tmp-(\d+)\.(\d+)@([A-Za-z0-9.-]+)@")
LEGACY = re.compile(r"^(\.tmp-.+-[A-Za-z0-9_]{8}|\.[0-9a-f]{16}\.parquet\.tmp|\.index\.csv\.tmp)$")
LEGACY_AGE_SECONDS = 24 * 3600  # ASSUMPTION: a staging name without an owner, a day old, is dead
FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}
RENAME_NOREPLACE = 1
AT_FDCWD = -100


class OutputError(ScenarioError):
    """Results could not be written (disk full, permission); nothing was kept."""

    def __init__(self, where: Path, reason: str) -> None:
        super().__init__(str(where), "", reason, "a writable results folder with free space")

    @property
    def message(self) -> str:
        """One line: where, why, and that nothing was kept."""
        return f"cannot write results in {self.file}: {self.given}; nothing was kept from this write"


def os_errno(e: BaseException) -> int | None:
    """The errno of an OS error, also when a library only kept it in the text."""
    if isinstance(e, OSError) and e.errno:
        return e.errno
    m = re.search(r"\[Errno (\d+)\]", str(e))
    if m:
        return int(m.group(1))
    return errno.ENOSPC if "No space left on device" in str(e) else None


def is_output_error(e: BaseException) -> bool:
    """A disk-full or permission error (as opposed to a bug)."""
    return os_errno(e) in FULL | DENIED


@contextmanager
def output_errors(where: Path) -> Iterator[None]:
    """Turn disk-full and permission errors inside the block into one-line `OutputError`s."""
    try:
        yield
    except Exception as e:
        if not is_output_error(e):
            raise
        raise OutputError(where, os.strerror(os_errno(e)).lower()) from None


@cache
def host() -> str:
    """This machine's name, in the characters a staging name allows."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname())[:60] or "host"


def start_time(pid: int) -> int:
    """A process's start time in clock ticks since boot (0 when unknown), to tell a
    live process from a dead one whose id was reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def owner_tag() -> str:
    """The staging-name prefix of this process: `.tmp-<pid>.<start>@<host>@`."""
    pid = os.getpid()
    return f"{PREFIX}{pid}.{start_time(pid)}@{host()}@"


def owner_alive(pid: int, start: int, where: str) -> bool:
    """Whether the writer of a staging name may still be running (always True for
    another host: its processes cannot be seen from here)."""
    if where != host():
        return True
    if not pid_alive(pid):
        return False
    now = start_time(pid)
    return not (start and now and now != start)


def is_stale(p: Path, legacy: bool = False) -> bool:
    """A staging entry whose writer is dead (with `legacy`, also one of the older
    names without an owner that is a day old)."""
    m = OWNER.match(p.name)
    if m:
        return not owner_alive(int(m.group(1)), int(m.group(2)), m.group(3))
    if not (legacy and LEGACY.match(p.name)):
        return False
    try:
        return time.time() - p.lstat().st_mtime > LEGACY_AGE_SECONDS
    except OSError:
        return False


def remove_stale(folder: Path, legacy: bool = False) -> int:
    """Remove the stale staging folders and files directly in `folder`; returns how
    many. `legacy` also removes day-old staging names of older versions (only in
    folders that hold nothing but laborsim results)."""
    n = 0
    try:
        entries = [p for p in Path(folder).iterdir() if p.name.startswith(".")]
    except OSError:
        return 0
    for p in entries:
        if not is_stale(p, legacy):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        n += 1
    return n


@cache
def _renameat2():
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def rename_noreplace(src: Path, dst: Path) -> bool:
    """Rename `src` to `dst` only if `dst` does not exist, atomically.

    Returns False (and leaves `src` in place) when `dst` exists.
    """
    fn = _renameat2()
    if fn is not None:
        if fn(AT_FDCWD, os.fsencode(src), AT_FDCWD, os.fsencode(dst), RENAME_NOREPLACE) == 0:
            return True
        e = ctypes.get_errno()
        if e in (errno.EEXIST, errno.ENOTEMPTY):
            return False
        if e not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(e, os.strerror(e), str(src), None, str(dst))
    return _claim_then_rename(Path(src), Path(dst))


def _claim_then_rename(src: Path, dst: Path) -> bool:
    """Portable fallback: claim a folder name with mkdir (then rename onto the empty
    folder this process owns), or publish a file with a hard link."""
    if src.is_dir():
        try:
            os.mkdir(dst)
        except FileExistsError:
            return False
        os.rename(src, dst)
        return True
    try:
        os.link(src, dst)
    except FileExistsError:
        return False
    os.unlink(src)
    return True


def publish_folder(tmp: Path, parent: Path, name: str) -> Path:
    """Rename a staged folder to `parent/name`, or the first free `name-K`."""
    for k in itertools.count():
        target = parent / (name if k == 0 else f"{name}-{k}")
        if rename_noreplace(tmp, target):
            return target
    raise AssertionError("unreachable")


def publish_file(tmp: Path, target: Path) -> bool:
    """Move a staged file to `target` unless a copy is already there (then the
    staged one is dropped). Returns whether this copy was kept."""
    kept = rename_noreplace(tmp, target)
    if not kept:
        tmp.unlink(missing_ok=True)
    return kept


def staging_file(folder: Path, suffix: str) -> Path:
    """A new, empty staging file in `folder` owned by this process, with the
    permissions of an ordinary new file (the umask's, not mkstemp's 0600)."""
    fd, name = tempfile.mkstemp(prefix=owner_tag(), suffix=suffix, dir=folder)
    os.fchmod(fd, 0o666 & ~umask())
    os.close(fd)
    return Path(name)


@cache
def pid_alive(pid: int) -> bool:
    """Whether process `pid` exists on this machine (owned by anyone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def umask() -> int:
    """This process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_dirs(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; returns those this call created
    (deepest last), so a failure can remove them again."""
    missing = []
    p = Path(folder)
    while not p.exists():
        missing.append(p)
        p = p.parent
    made = []
    for d in reversed(missing):
        try:
            d.mkdir()
            made.append(d)
        except FileExistsError:
            pass
    return made


def remove_empty(dirs: list[Path]) -> None:
    """Remove folders created by `make_dirs` that are still empty (deepest first)."""
    for d in reversed(dirs):
        try:
            d.rmdir()
        except OSError:
            return


class Staged:
    """A results folder written atomically and published without collisions.

    Files go to a hidden staging folder beside the target; when the block ends
    without error it is renamed to `parent/name` (or the first free `name-K`);
    when it fails, it is removed with any folder this block created. Disk-full
    and permission errors leave as `OutputError`. Stale staging folders of dead
    processes in `parent` and its sibling folders are removed on entry.

    Usage: ``with Staged(parent, name) as tmp: ...`` then ``tmp.final``.
    """

    def __init__(self, parent: Path, name: str) -> None:
        self.parent, self.name = Path(parent), name

    def __enter__(self) -> StagedPath:
        with output_errors(self.parent):
            for attempt in range(3):
                self.made = make_dirs(self.parent)
                try:
                    prefix = f"{owner_tag()}{self.name[:100]}-"
                    self.tmp = StagedPath(tempfile.mkdtemp(prefix=prefix, dir=self.parent))
                    os.chmod(self.tmp, 0o777 & ~umask())  # shared folders: readable as mkdir makes it
                    break
                except FileNotFoundError:  # a failing neighbour removed the empty parent
                    if attempt == 2:
                        raise
        remove_stale(self.parent, legacy=True)
        for folder in _siblings(self.parent):
            remove_stale(folder)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.tmp.final = publish_folder(self.tmp, self.parent, self.name)
                return
            except OSError as e:
                exc = e
        shutil.rmtree(self.tmp, ignore_errors=True)
        remove_empty(self.made)
        if exc is not None and is_output_error(exc):
            raise OutputError(self.parent, os.strerror(os_errno(exc)).lower()) from None
        if exc_type is None:
            raise exc


def _siblings(folder: Path) -> list[Path]:
    """The other folders beside `folder` (other scenarios of the same results root)."""
    try:
        return [p for p in folder.parent.iterdir() if p.is_dir() and p != folder and not p.name.startswith(".")]
    except OSError:
        return []


class StagedPath(type(Path())):
    """The staging folder of a `Staged` block; `.final` is set once it is published."""

    final: Path | None = None
