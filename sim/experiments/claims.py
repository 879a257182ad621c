"""Claims on sweep runs, so two sweeps of one design on one folder at once
compute each run once: before computing run `key`, a sweep creates
`runs/.claim-<key>` (exclusively) holding its owner tag; the other sweep leaves
that run to it and waits for its file at the end. A claim whose owner died on
this host is taken over; a claim from another host is not waited for (its
process cannot be seen from here), so both may compute that run and the copy
published first is kept.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..staging import OWNER, host, owner_alive, owner_tag

FRESH_SECONDS = 60  # ASSUMPTION: an empty claim (owner killed between create and write) is dead after a minute


class Claims:
    """The claims this process holds in one `runs` folder."""

    def __init__(self, runs: Path) -> None:
        self.runs, self.held = runs, set()

    def path(self, key: str) -> Path:
        return self.runs / f".claim-{key}"

    def take(self, key: str) -> bool:
        """Claim run `key`; False when a live sweep on this host holds it."""
        for _ in range(3):
            try:
                fd = os.open(self.path(key), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self.holder_waits(key):
                    return False
                self.path(key).unlink(missing_ok=True)  # its sweep died: take over
                continue
            os.write(fd, owner_tag().encode())
            os.close(fd)
            self.held.add(key)
            return True
        return False

    def holder_waits(self, key: str) -> bool:
        """Whether another live sweep on this host holds run `key` (worth waiting for)."""
        try:
            tag = self.path(key).read_text()
            age = time.time() - self.path(key).stat().st_mtime
        except OSError:
            return False
        m = OWNER.match(tag)
        if not m:
            return age < FRESH_SECONDS
        return m.group(3) == host() and owner_alive(int(m.group(1)), int(m.group(2)), m.group(3))

    def release(self, key: str) -> None:
        if key in self.held:
            self.path(key).unlink(missing_ok=True)
            self.held.discard(key)

    def release_all(self) -> None:
        for key in list(self.held):
            self.release(key)
