"""Writing a file so that a reader never sees half of it; pruning old cache files, and the hash
their names are made of."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:  # the built-in module: hashlib would load OpenSSL first, a few ms of every start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python builds
    from hashlib import blake2b

__all__ = ["blake2b", "prune", "write_atomic"]


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write beside `path`, then rename over it: a crash leaves the old file or the new one."""
    import tempfile  # only when writing: keeps `kotae ask` start-up short

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prune(folder: Path, prefix: str, keep: int) -> None:
    """Remove all but the `keep` newest files named `prefix`*: each knowledge edit writes a new
    cache file, and the old ones would pile up in the user's cache folder."""
    try:
        found = [(p.stat().st_mtime, p) for p in folder.glob(f"{prefix}*") if p.is_file()]
    except OSError:
        return
    for _, path in sorted(found, reverse=True)[keep:]:
        with contextlib.suppress(OSError):  # another process removed it first
            path.unlink()
