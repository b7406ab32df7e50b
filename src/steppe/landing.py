"""Landing: every file in the raw folder is landed once per distinct content, or refused with a reason.

Nothing is moved or deleted from the raw folder: a refused file stays where it is, and its
reason is written to audit.rejected_dumps so an operator can see and fix it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import duckdb
import pyarrow as pa

from steppe.parsing import parse_page

# A file modified this recently may still be being written; it is left for the next run.
SETTLE_SECONDS = 2.0


class RejectedDump(Exception):
    """A file that cannot be a page dump; the message is the reason a person reads."""


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path
    data: bytes
    sha256: str


@dataclass(slots=True)
class LandingReport:
    landed: list[str] = field(default_factory=list)  # file names newly landed
    duplicates: list[str] = field(default_factory=list)  # content already in raw.dumps
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    deferred: list[str] = field(default_factory=list)  # still being written: next run

    def as_dict(self) -> dict[str, object]:
        return {
            "landed": len(self.landed),
            "duplicates": len(self.duplicates),
            "rejected": len(self.rejected),
            "deferred": len(self.deferred),
            "rejections": [{"file": f, "reason": r} for f, r in self.rejected],
        }


def decode_dump(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a dump's bytes, or RejectedDump with the reason."""
    if not data:
        return _reject("empty file (0 bytes)")
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                return _reject(f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason}")
    nul = data.find(b"\x00")
    if nul >= 0:
        return _reject(f"binary file, not text: NUL byte at offset {nul}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        return _reject(
            f"not UTF-8 text: byte 0x{bad} at offset {exc.start} is invalid UTF-8 "
            "(re-save the file as UTF-8)"
        )


def check_dump(text: str) -> None:
    """Refuse text that holds no page: no ticker, no page date and no listing header."""
    if not text.strip():
        _reject("no content: the file holds only white space")
    page = parse_page(text)
    if not page.is_recognisable:
        _reject("no recognisable page content: no FX ticker line, page date line or listing header")


def _reject(reason: str) -> NoReturn:
    raise RejectedDump(reason)


def read_candidate(path: Path, *, now: float, settle_seconds: float = SETTLE_SECONDS) -> Candidate | None:
    """The file's bytes, None if it may still be being written, or RejectedDump."""
    try:
        info = path.stat()  # follows symlinks: a link to a regular file lands like the file
    except FileNotFoundError:
        raise RejectedDump("broken symbolic link: its target does not exist") from None
    except OSError as exc:
        raise RejectedDump(f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise RejectedDump(f"{kind}, not a dump file")
    if now - info.st_mtime < settle_seconds:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RejectedDump(f"cannot read: {exc.strerror}") from None
    if len(data) != info.st_size or path.stat().st_mtime != info.st_mtime:
        return None  # changed while we read it
    return Candidate(path=path, data=data, sha256=hashlib.sha256(data).hexdigest())


def land_raw_dir(
    raw_dir: Path, con: duckdb.DuckDBPyConnection, *, settle_seconds: float = SETTLE_SECONDS
) -> LandingReport:
    """Land every *.txt file of raw_dir into raw.dumps, or record why it was refused."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"STEPPE_RAW_DIR {raw_dir} is not a folder")
    report = LandingReport()
    known = {row[0] for row in con.execute("select sha256 from raw.dumps").fetchall()}
    refused = {tuple(row) for row in con.execute("select file_name, sha256 from audit.rejected_dumps").fetchall()}
    now = dt.datetime.now(dt.UTC)
    new_rows: list[dict[str, object]] = []
    rejected_rows: list[dict[str, object]] = []

    for path in sorted(raw_dir.glob("*.txt"), key=lambda p: p.name):
        sha: str | None = None
        size: int | None = None
        try:
            candidate = read_candidate(path, now=now.timestamp(), settle_seconds=settle_seconds)
            if candidate is None:
                report.deferred.append(path.name)
                continue
            sha, size = candidate.sha256, len(candidate.data)
            if sha in known:
                report.duplicates.append(path.name)
                continue
            text, encoding = decode_dump(candidate.data)
            check_dump(text)
        except RejectedDump as exc:
            report.rejected.append((path.name, str(exc)))
            if (path.name, sha) not in refused:
                refused.add((path.name, sha))
                rejected_rows.append(
                    {"file_name": path.name, "sha256": sha, "reason": str(exc), "size_bytes": size, "rejected_at": now}
                )
            continue
        known.add(sha)
        report.landed.append(path.name)
        new_rows.append(
            {
                "dump_id": sha[:16],
                "sha256": sha,
                "file_name": path.name,
                "size_bytes": size,
                "encoding": encoding,
                "content": text,
                "landed_at": now,
            }
        )

    insert_rows(con, "raw.dumps", new_rows)
    insert_rows(con, "audit.rejected_dumps", rejected_rows)
    return report


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    """Bulk insert through Arrow (row-by-row inserts are slow in DuckDB), columns matched by name."""
    if not rows:
        return
    batch = pa.Table.from_pylist(rows)  # noqa: F841  (read by DuckDB's replacement scan)
    con.execute(f"insert into {table} by name select * from batch")
