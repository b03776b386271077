"""Writing output files so that a crash mid-write leaves the previous file intact.

Every file the project writes (the briefing, the email ledger, .eml messages) goes through
`write_atomic`: a temporary file in the same folder, flushed to disk, then renamed over the target.
A set of files that belong together (the briefing's four) goes through `publish_together`: all are
written first, then renamed, so a failure leaves the previous set whole, never half old, half new.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path


@cache
def _shared_mode() -> int:
    """The permissions a plain `open()` would give: 0o666 less the umask (read once, on first use)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes, *, shared: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so readers never see half a file.

    `shared` files get the usual permissions (a briefing is meant to be passed around); otherwise the file
    stays owner-only, as the temporary file is made (a ledger or a message holds recipients' addresses).
    Raises OSError; the temporary file is removed on any failure.
    """
    tmp = _write_temporary(path, data, shared=shared)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def publish_together(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write a set of files that belong together: every one to a temporary file first, then all renamed.

    A failure while writing (a full disk) leaves the previous set untouched; a failure while renaming
    puts back the files already replaced. Raises OSError; no temporary file is left behind.
    """
    temporaries: list[Path] = []
    backups: dict[Path, Path | None] = {}  # each target replaced so far -> a link to its previous version
    try:
        for path, data in files:
            temporaries.append(_write_temporary(path, data, shared=True))
        for tmp, (path, _) in zip(temporaries, files, strict=True):
            backups[path] = _link_aside(path) if path.exists() else None
            os.replace(tmp, path)
    except BaseException:
        for path, backup in backups.items():
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, path)
                else:
                    path.unlink(missing_ok=True)
        raise
    finally:
        for leftover in (*temporaries, *(b for b in backups.values() if b is not None)):
            leftover.unlink(missing_ok=True)


def _link_aside(path: Path) -> Path:
    """A second name (hard link) for `path`'s current content, so that it can be put back."""
    while True:
        backup = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.link(path, backup)
            return backup
        except FileExistsError:
            continue


def remove_stale_temporaries(folder: Path, prefix: str, older_than_s: float) -> list[Path]:
    """Delete temporary files `.<prefix>*.tmp` in `folder` older than `older_than_s` (left by a crashed run)."""
    removed = []
    limit = time.time() - older_than_s
    for leftover in folder.glob(f".{prefix}*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.is_file() and leftover.stat().st_mtime < limit:
                leftover.unlink()
                removed.append(leftover)
    return removed


def _write_temporary(path: Path, data: bytes, *, shared: bool) -> Path:
    """`data` in a new temporary file beside `path`, flushed to disk; removed again on any failure."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if shared:
            os.fchmod(fd, _shared_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)
