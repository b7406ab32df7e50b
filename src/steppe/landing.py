"""Landing: every file in the raw folder is landed once per distinct content, or refused with a reason.

Nothing is moved or deleted from the raw folder: a refused file stays where it is, and its
reason is written to audit.rejected_dumps so an operator can see and fix it. A file that may
still be being written is left for the next run and listed, with why, in the run's report.

One file's trouble never stops the batch: each file is landed, refused or deferred on its own.

A run costs what its new files cost: a file landed or recognised before is known by its
signature in raw.landed_files (size, mtime, ctime, inode; git's index, rsync's quick check)
and counted as a duplicate without being read again.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import duckdb
import pyarrow as pa

from steppe.parsing import parse_page
from steppe.parsing.header import is_quote_like
from steppe.runs import fault_point

# A file modified this recently may still be being written; it is left for the next run.
SETTLE_SECONDS = 2.0
# A page dump is tens of kilobytes; anything this large is not one, and is refused unread.
MAX_DUMP_BYTES_ENV = "STEPPE_MAX_DUMP_BYTES"
DEFAULT_MAX_DUMP_BYTES = 5 * 1024 * 1024
_CHUNK = 1 << 20


class RejectedDump(Exception):
    """A file that cannot be a page dump; the message is the reason a person reads."""


class Deferred(Exception):
    """A file to look at again next run (still being written, or changed while read)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path
    data: bytes
    sha256: str
    info: os.stat_result  # stat() of the file read, taken before reading it


@dataclass(slots=True)
class LandingReport:
    landed: list[str] = field(default_factory=list)  # file names newly landed
    duplicates: list[str] = field(default_factory=list)  # content already in raw.dumps
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    deferrals: list[tuple[str, str]] = field(default_factory=list)  # (file name, why): next run
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file name, what was odd) of landed files
    cached: int = 0  # of the duplicates, how many were known by their signature and not read

    @property
    def deferred(self) -> list[str]:
        """File names left for the next run (still being written)."""
        return [name for name, _ in self.deferrals]

    def as_dict(self) -> dict[str, object]:
        return {
            "landed": len(self.landed),
            "duplicates": len(self.duplicates),
            "rejected": len(self.rejected),
            "deferred": len(self.deferred),
            "cached": self.cached,
            "rejections": [{"file": f, "reason": r} for f, r in self.rejected],
            "deferrals": [{"file": f, "reason": r} for f, r in self.deferrals],
            "notes": [{"file": f, "note": n} for f, n in self.notes],
        }


def max_dump_bytes() -> int:
    try:
        return int(os.environ.get(MAX_DUMP_BYTES_ENV, DEFAULT_MAX_DUMP_BYTES))
    except ValueError:
        return DEFAULT_MAX_DUMP_BYTES


def decode_dump(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a dump's bytes, or RejectedDump with the reason."""
    text, encoding, _ = decode_dump_noting(data)
    return text, encoding


def decode_dump_noting(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, note): the encoding is one of utf-8, utf-8-sig, utf-16, utf-32 (what
    raw.dumps accepts); the note says what was unusual about landing it, if anything."""
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
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                return _reject(f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason}")
            if "\x00" in text:
                at = text.index("\x00")
                return _reject(f"binary file, not text: NUL character in {encoding} text at character {at}")
            return text, encoding, None
    nul = data.find(b"\x00")
    if nul >= 0:
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return utf16[0], "utf-16", f"UTF-16 without a byte-order mark, read as {utf16[1]}"
        if nul > 0 and not data[nul:].strip(b"\x00"):
            return _reject(
                f"ends in {len(data) - nul} NUL bytes from offset {nul}: a partly written or preallocated file"
            )
        return _reject(f"binary file, not text: NUL byte at offset {nul}")
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        if exc.reason == "unexpected end of data" and len(data) - exc.start < 4:
            # Cut off inside its last character: a truncated page, which the parser handles
            # (its last article is marked truncated). Only the partial character is dropped, and
            # only when the rest shows it is UTF-8 (multi-byte characters decode): a Latin-1 file
            # ending in "é" looks the same byte for byte and must not land as UTF-8.
            head = data[: exc.start]
            if not head.isascii():
                note = f"cut off inside its last character: the {len(data) - exc.start} byte(s) of it were dropped"
                return head.decode("utf-8"), "utf-8", note
        return _reject(
            f"not UTF-8 text: byte 0x{bad} at offset {exc.start} is invalid UTF-8 "
            "(re-save the file as UTF-8)"
        )


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte-order mark: text whose every other byte is NUL (ASCII-heavy pages)."""
    if len(data) % 2 or len(data) < 4:
        return None
    even, odd = data[0::2], data[1::2]
    for encoding, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros.count(0) >= 0.7 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text, encoding
    return None


def check_dump(text: str) -> None:
    """Refuse text that holds no page: no ticker, no page date and no listing header."""
    if not text.strip():
        _reject("no content: the file holds only white space")
    head = text.lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        _reject("an HTML document, not a text page dump (the scraper saved the page's markup)")
    # The parse stage segments articles later; here the header decides, unless it is too thin.
    page = parse_page(text, with_articles=False)
    if page.page_date is None and page.listing is None:
        page = parse_page(text)
    if not page.is_recognisable:
        _reject("no recognisable page content: no FX ticker line, page date line or listing header")
    if page.page_date is None and page.listing is None and not page.articles:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
        damaged = {issue.line_no for issue in page.issues if issue.kind == "malformed_quote"}
        if last >= 0 and is_quote_like(lines[last]) and last + 1 in damaged:
            _reject(
                f"cut off inside the FX ticker: line {last + 1} ({lines[last].strip()!r}) is incomplete "
                "and no page date or article follows"
            )


def _reject(reason: str) -> NoReturn:
    raise RejectedDump(reason)


def _describe(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory, not a dump file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a dump file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a dump file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a dump file"
    return "not a regular file, not a dump file"


def _stat(path: Path) -> os.stat_result:
    """stat() following links, with the reason a person reads when it fails."""
    try:
        return path.stat()
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except OSError:
            raise Deferred("disappeared before it could be read") from None
        raise RejectedDump(f"broken symbolic link: its target {target!r} does not exist") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RejectedDump("symbolic link loop: the link never reaches a file") from None
        raise RejectedDump(f"cannot read: {exc.strerror}") from None


def _open(path: Path, info: os.stat_result) -> int:
    try:
        # O_NONBLOCK: should a pipe replace the file after stat(), opening it must not hang.
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except PermissionError:
        raise RejectedDump(
            f"cannot read: permission denied (mode {stat.S_IMODE(info.st_mode):03o}, owner uid {info.st_uid}; "
            f"landing runs as uid {os.getuid()})"
        ) from None
    except FileNotFoundError:
        raise Deferred("disappeared before it could be read") from None
    except OSError as exc:
        raise RejectedDump(f"cannot read: {exc.strerror}") from None


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def _read(path: Path, *, now: float, settle_seconds: float) -> Candidate:
    info = _stat(path)  # follows symlinks: a link to a regular file lands like the file
    if not stat.S_ISREG(info.st_mode):
        raise RejectedDump(_describe(info.st_mode))
    age = now - info.st_mtime
    # A file written to just now may still be growing. A modification time further in the
    # future than the settle time is clock skew, not a writer (a write would set it to now);
    # such a file is read, and the checks around the read catch a change during it.
    if -settle_seconds <= age < settle_seconds:
        raise Deferred(
            f"modified {max(age, 0):.1f} s ago (settle time {settle_seconds:g} s): may still be being written"
        )
    fd = _open(path, info)
    try:
        if not _same(os.fstat(fd), info):
            raise Deferred("replaced or changed while being landed")
        limit = max_dump_bytes()
        digest = hashlib.sha256()
        if info.st_size > limit:
            # Never held in memory: hashed in chunks so the refusal names the content.
            while chunk := os.read(fd, _CHUNK):
                digest.update(chunk)
            if not _same(os.fstat(fd), info):
                raise Deferred("changed while being landed")
            raise TooLarge(
                f"too large for a page dump: {info.st_size:,} bytes, over the limit of {limit:,} bytes "
                f"({MAX_DUMP_BYTES_ENV}); not read into the warehouse",
                digest.hexdigest(),
                info.st_size,
            )
        parts = []
        while chunk := os.read(fd, _CHUNK):
            parts.append(chunk)
        data = b"".join(parts)
        if len(data) != info.st_size or not _same(os.fstat(fd), info):
            raise Deferred("changed while being landed")
    finally:
        os.close(fd)
    return Candidate(path=path, data=data, sha256=hashlib.sha256(data).hexdigest(), info=info)


class TooLarge(RejectedDump):
    def __init__(self, reason: str, sha256: str, size: int) -> None:
        super().__init__(reason)
        self.sha256 = sha256
        self.size = size


def is_dump_name(path: Path) -> bool:
    """`*.txt`, any file name; the suffix in any case (`.TXT` from Windows tools too)."""
    return path.name.lower().endswith(".txt") and len(path.name) > len(".txt")


LAND_BATCH = 500  # dumps held in memory before they are written

# (size, mtime_ns, ctime_ns, inode): if none of these changed, neither did the content. ctime
# is set by the kernel on every write, rename, chmod or utime, so a copy that restores the old
# mtime (cp -p, tar) still changes the signature.
Signature = tuple[int, int, int, int]


def _signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _entry(path: Path) -> os.stat_result | None:
    """lstat() of the folder entry itself; None if it is gone (reading it says why)."""
    try:
        return path.lstat()
    except OSError:
        return None


def _unchanged(entry: os.stat_result | None, last: Signature) -> bool:
    """Whether the folder entry is a regular file (not a link) with the signature it was read with."""
    return entry is not None and stat.S_ISREG(entry.st_mode) and _signature(entry) == last


def _cacheable(entry: os.stat_result | None, read: os.stat_result, *, settled_before_ns: int) -> bool:
    """Whether the signature of a file just read may stand for its content on later runs.

    Only a regular file that is the folder entry itself: a symbolic link is read afresh every
    run, as its target can be swapped or rewritten without the link changing. And only once the
    file has been still for the settle time: a change in the same clock tick as our stat() would
    leave size, mtime and ctime all equal (git's "racy clean" case), and a file system's
    timestamps are far finer than the settle time.
    """
    return (
        entry is not None
        and stat.S_ISREG(entry.st_mode)
        and (entry.st_dev, entry.st_ino) == (read.st_dev, read.st_ino)
        and read.st_ctime_ns < settled_before_ns
    )


def _load_signatures(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Signature, str]]:
    rows = con.execute("select file_name, size_bytes, mtime_ns, ctime_ns, inode, sha256 from raw.landed_files")
    return {name: ((size, mtime, ctime, inode), sha) for name, size, mtime, ctime, inode, sha in rows.fetchall()}


def _save_signatures(
    con: duckdb.DuckDBPyConnection,
    before: dict[str, tuple[Signature, str]],
    after: dict[str, tuple[Signature, str]],
    now: dt.datetime,
) -> None:
    """Make raw.landed_files hold `after` (this run's files), writing only what changed, in bulk."""
    changed = [name for name, entry in after.items() if before.get(name) != entry]
    gone = [name for name in before if name not in after]  # removed, refused or deferred: look again
    if not changed and not gone:
        return
    con.execute("delete from raw.landed_files where file_name in (select unnest(?::varchar[]))", [changed + gone])
    rows: list[dict[str, object]] = []
    for name in changed:
        (size, mtime_ns, ctime_ns, inode), sha = after[name]
        rows.append(
            {
                "file_name": name,
                "size_bytes": size,
                "mtime_ns": mtime_ns,
                "ctime_ns": ctime_ns,
                "inode": inode,
                "sha256": sha,
                "seen_at": now,
            }
        )
    insert_rows(con, "raw.landed_files", rows)


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
    cached = _load_signatures(con)
    signatures: dict[str, tuple[Signature, str]] = {}  # this run's landed and duplicate files
    settled_before_ns = int((now.timestamp() - settle_seconds) * 1e9)
    new_rows: list[dict[str, object]] = []
    rejected_rows: list[dict[str, object]] = []

    def refuse(name: str, sha: str | None, size: int | None, reason: str) -> None:
        report.rejected.append((name, reason))
        if (name, sha) not in refused:  # a refusal is recorded once per name and content
            refused.add((name, sha))
            rejected_rows.append(
                {"file_name": name, "sha256": sha, "reason": reason, "size_bytes": size, "rejected_at": now}
            )

    for path in sorted((p for p in raw_dir.iterdir() if is_dump_name(p)), key=lambda p: p.name):
        sha: str | None = None
        size: int | None = None
        entry = _entry(path)
        last = cached.get(path.name)
        if last is not None and last[1] in known and _unchanged(entry, last[0]):
            # Unchanged since it was read, and its content is landed: a duplicate, left unopened.
            report.duplicates.append(path.name)
            report.cached += 1
            signatures[path.name] = last
            continue
        try:
            candidate = _read(path, now=now.timestamp(), settle_seconds=settle_seconds)
            sha, size = candidate.sha256, len(candidate.data)
            # Recorded only once the file is landed or found a duplicate; a refusal is looked at again.
            quick = _cacheable(entry, candidate.info, settled_before_ns=settled_before_ns)
            if sha in known:
                report.duplicates.append(path.name)
                if quick:
                    signatures[path.name] = (_signature(candidate.info), sha)
                continue
            text, encoding, note = decode_dump_noting(candidate.data)
            check_dump(text)
        except Deferred as exc:
            report.deferrals.append((path.name, f"{exc}; left for the next run"))
            continue
        except RejectedDump as exc:
            if isinstance(exc, TooLarge):
                sha, size = exc.sha256, exc.size
            refuse(path.name, sha, size, str(exc))
            continue
        except Exception as exc:  # one file's surprise must not stop the batch
            refuse(path.name, sha, size, f"could not be checked: {type(exc).__name__}: {exc}")
            continue
        known.add(sha)
        report.landed.append(path.name)
        if quick:
            signatures[path.name] = (_signature(candidate.info), sha)
        if note:
            report.notes.append((path.name, note))
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
        if len(new_rows) >= LAND_BATCH:  # bounded memory however many files wait
            insert_rows(con, "raw.dumps", new_rows)
            new_rows.clear()

    insert_rows(con, "raw.dumps", new_rows)
    _save_signatures(con, cached, signatures, now)  # after the dumps they point at
    fault_point("land")  # test hook: rows written, not committed (see steppe.runs)
    insert_rows(con, "audit.rejected_dumps", rejected_rows)
    return report


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    """Bulk insert through Arrow (row-by-row inserts are slow in DuckDB), columns matched by name."""
    if not rows:
        return
    batch = pa.Table.from_pylist(rows)  # noqa: F841  (read by DuckDB's replacement scan)
    con.execute(f"insert into {table} by name select * from batch")  # noqa: S608  table names are the callers' constants
