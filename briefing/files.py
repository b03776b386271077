"""Writing output files so that a crash mid-write leaves the previous file intact.

Every file the project writes (the briefing, the email ledger, .eml messages) goes through
`write_atomic`: a temporary file in the same folder, flushed to disk, then renamed over the target.
"""

from __future__ import annotations

import os
import tempfile
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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if shared:
            os.fchmod(fd, _shared_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
