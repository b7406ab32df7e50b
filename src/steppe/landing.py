"""Landing: every file in the raw folder is landed once per distinct content, or refused with a reason.

Nothing is moved or deleted from the raw folder: a refused file stays where it is, and its
reason is written to audit.rejected_dumps so an operator can see and fix it. A file that may
still be being written is left for the next run and listed, with why, in the run's report.
Entries that are not dumps (another extension, none, a subfolder) are listed as ignored, in
the report and audit.ignored_files. Any real page lands, whatever its era or kind; only what
cannot be a page is refused (check_dump).

The raw folder is the trust boundary: a symbolic link is followed only into it or into a
folder named in STEPPE_ALLOWED_ROOTS, and what was checked is what is opened (O_NOFOLLOW,
fstat compared, the kernel's name of the open file checked). File names are kept and shown
as steppe.display.display_name writes them, control characters escaped.

raw.file_versions records what each name held over time (a row whenever it changes), so the
latest version of a file can win downstream.

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
import json
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, NoReturn

import duckdb
import pyarrow as pa

from steppe.display import display_name
from steppe.parsing import parse_page
from steppe.parsing.header import is_quote_like
from steppe.settings import ALLOWED_ROOTS_ENV, DEFAULT_MAX_DUMP_BYTES, MAX_DUMP_BYTES_ENV
from steppe.settings import DEFAULT_SETTLE_SECONDS as SETTLE_SECONDS
from steppe.warehouse import insert_rows

# A file modified within SETTLE_SECONDS may still be being written; it is left for the next run.
# A page dump is tens of kilobytes; anything over max_dump_bytes is not one, and is refused unread.
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
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file name, why): not a dump, not looked at
    versions: int = 0  # rows added to raw.file_versions: names whose content changed (or first seen)
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
            "ignored": [{"file": f, "reason": r} for f, r in self.ignored],
            "versions": self.versions,
        }


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


# Two letters in a row: the least a line of words holds (a ticker's "KZT/USD", a date's month).
_WORD_RE = re.compile(r"[^\W\d_]{2}")
# Control characters other than tab and line or page breaks: a text page holds none, or a stray few.
_CONTROL_RE = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01
_MIN_CONTROLS = 16
# How a document that is not page text starts (after white space, in lower case).
_MARKUP_STARTS = (
    (
        ("<!doctype html", "<html", "<head>", "<body"),
        "an HTML document, not a text page dump (the scraper saved the page's markup)",
    ),
    (("<?xml",), "an XML document, not a text page dump"),
    (("%pdf-",), "a PDF document, not a text page dump"),
)
# A ticker line is short; a longer last line is not one, and is not matched.
_MAX_TICKER_LINE = 200


def check_dump(text: str) -> None:
    """Refuse text that cannot be a page of the site; any real page, of any era or kind, passes.

    A page needs no ticker, page date or listing header (old article pages, tag and author pages
    have none): what is refused is white space only, markup or data documents, binary content
    that happens to decode, text without a single word, and a page cut off inside its ticker.
    """
    if not text.strip():
        _reject("no content: the file holds only white space")
    _refuse_documents(text)
    _refuse_control_characters(text)
    if not _WORD_RE.search(text):
        _reject("no words: not one line of the file holds a word (two letters in a row)")
    _refuse_cut_ticker(text)


def _refuse_documents(text: str) -> None:
    head = text.lstrip()[:64].lower()
    for starts, reason in _MARKUP_STARTS:
        if head.startswith(starts):
            _reject(reason)
    if head.startswith(("{", "[")):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return  # not JSON: judged as text
        _reject("a JSON document, not a text page dump")


def _refuse_control_characters(text: str) -> None:
    controls = sum(1 for _ in _CONTROL_RE.finditer(text))
    if controls >= _MIN_CONTROLS and controls > _MAX_CONTROL_SHARE * len(text):
        _reject(
            f"binary content, not text: {controls:,} control characters in {len(text):,} characters"
        )


def _refuse_cut_ticker(text: str) -> None:
    """A page whose text stops inside its FX ticker, with no page date, listing or article."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    if last < 0 or len(lines[last]) > _MAX_TICKER_LINE or not is_quote_like(lines[last]):
        return  # the common case: no parse needed here (the parse stage reads the page later)
    page = parse_page(text, with_articles=False)
    if page.page_date is not None or page.listing is not None:
        return
    page = parse_page(text)
    damaged = {issue.line_no for issue in page.issues if issue.kind == "malformed_quote"}
    if not page.articles and last + 1 in damaged:
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


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def _resolve(path: Path, roots: Sequence[Path], entry: EntryStat | None) -> Path:
    """The real path of a folder entry (links followed), which must lie under an allowed root.

    The raw folder is the trust boundary: a link inside it may point at another of its files (or
    into STEPPE_ALLOWED_ROOTS), never elsewhere, or anyone who can write a link there could land
    any file the pipeline can read (/etc/shadow, another project's data). roots[0] is the raw
    folder, resolved; entry is the lstat() of the folder entry.
    """
    if entry is not None and not stat.S_ISLNK(entry.st_mode):
        # Not a link: the entry itself (no walk up the path). Swapped for a link since, it is
        # caught by the lstat() and the O_NOFOLLOW open that follow.
        return roots[0] / path.name
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except OSError:
            raise Deferred("disappeared before it could be read") from None
        raise RejectedDump(f"broken symbolic link: its target '{display_name(target)}' does not exist") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RejectedDump("symbolic link loop: the link never reaches a file") from None
        raise RejectedDump(f"cannot read: {exc.strerror}") from None
    if not _inside(real, roots):
        raise RejectedDump(
            f"a symbolic link to '{display_name(str(real))}', outside the raw folder: only links into the raw "
            f"folder (or a folder named in {ALLOWED_ROOTS_ENV}) are followed; the target was not read"
        )
    return real


def _stat_real(real: Path) -> os.stat_result:
    """lstat() of a resolved path: a link there now means it was swapped since it was resolved."""
    try:
        info = os.stat(real, follow_symlinks=False)
    except FileNotFoundError:
        raise Deferred("disappeared before it could be read") from None
    except OSError as exc:
        raise RejectedDump(f"cannot read: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise Deferred("replaced by a symbolic link while being landed")
    return info


def _opened_inside(fd: int, roots: Sequence[Path]) -> bool:
    """Whether the file behind fd lies under an allowed root, as the kernel names it (Linux /proc).

    O_NOFOLLOW guards only the last part of a path: a folder on the way swapped for a link
    between the check and the open would still be followed. The kernel's name of the open file
    tells; without /proc the fstat comparison stands alone.
    """
    try:
        where = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return True
    return _inside(Path(where.removesuffix(" (deleted)")), roots)


def _open(path: Path, info: os.stat_result) -> int:
    try:
        # O_NONBLOCK: should a pipe replace the file after stat(), opening it must not hang.
        # O_NOFOLLOW: a link swapped in after the check is refused by the kernel, not followed.
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except PermissionError:
        raise RejectedDump(
            f"cannot read: permission denied (mode {stat.S_IMODE(info.st_mode):03o}, owner uid {info.st_uid}; "
            f"landing runs as uid {os.getuid()})"
        ) from None
    except FileNotFoundError:
        raise Deferred("disappeared before it could be read") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Deferred("replaced by a symbolic link while being landed") from None
        raise RejectedDump(f"cannot read: {exc.strerror}") from None


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def _read(
    path: Path, *, now: float, settle_seconds: float, roots: Sequence[Path], entry: EntryStat | None, limit: int
) -> Candidate:
    # A link into the raw folder (or an allowed root) lands like its target; checked, then
    # opened without following anything swapped in since.
    real = _resolve(path, roots, entry)
    info = _stat_real(real)
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
    fd = _open(real, info)
    try:
        if not _same(os.fstat(fd), info) or not _opened_inside(fd, roots):
            raise Deferred("replaced or changed while being landed")
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


def is_dump_name(path: str | os.PathLike[str]) -> bool:
    """`*.txt`, any file name; the suffix in any case (`.TXT` from Windows tools too)."""
    return is_dump_file_name(os.path.basename(path))


def is_dump_file_name(name: str) -> bool:
    """is_dump_name of a file's own name (a folder entry's: no basename() once per file of the folder)."""
    return name.lower().endswith(".txt") and len(name) > len(".txt")


LAND_BATCH = 500  # files read, then looked up and written together
LAND_BATCH_BYTES = 64 * 2**20  # or fewer, once the files read hold this many bytes

# (size, mtime_ns, ctime_ns, inode): if none of these changed, neither did the content. ctime
# is set by the kernel on every write, rename, chmod or utime, so a copy that restores the old
# mtime (cp -p, tar) still changes the signature.
Signature = tuple[int, int, int, int]


class EntryStat(NamedTuple):
    """The lstat() fields landing uses of a folder entry, named as os.stat_result names them. The scan keeps
    one per file of the folder until the stage ends: os.stat_result holds twenty-odd fields, and with the
    scan's os.DirEntry objects it was 95 MB at 100,000 files (tracemalloc)."""

    st_mode: int
    st_dev: int
    st_ino: int
    st_size: int
    st_mtime_ns: int
    st_ctime_ns: int


def _signature(info: EntryStat | os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _entry(dir_entry: os.DirEntry[str]) -> EntryStat | None:
    """lstat() of the folder entry itself; None if it is gone (reading it says why)."""
    try:
        info = dir_entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return EntryStat(info.st_mode, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _cacheable(entry: EntryStat | None, read: os.stat_result, *, settled_before_ns: int) -> bool:
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


# What this run's scan found, as a table DuckDB compares with raw.landed_files in one join.
_SCAN = "steppe_landing_scan"


def _register_scan(con: duckdb.DuckDBPyConnection, scanned: list[_Scanned]) -> None:
    """The scan's dump files and their signatures (None for an entry that is not a regular file)."""
    names: list[str] = []
    regular: list[bool] = []
    signature_parts: tuple[list[int | None], ...] = ([], [], [], [])  # size, mtime, ctime, inode
    for _, name, e in scanned:  # one pass: this runs once per file of the folder, every run
        is_regular = e is not None and stat.S_ISREG(e.st_mode)
        names.append(name)
        regular.append(is_regular)
        signature = _signature(e) if e is not None and is_regular else (None, None, None, None)
        for part, value in zip(signature_parts, signature, strict=True):
            part.append(value)
    columns = {"file_name": pa.array(names, pa.string()), "is_regular": pa.array(regular, pa.bool_())}
    for column, values in zip(("size_bytes", "mtime_ns", "ctime_ns", "inode"), signature_parts, strict=True):
        columns[column] = pa.array(values, pa.int64())
    con.register(_SCAN, pa.table(columns))


def _to_look_at(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the scan that are not known duplicates: not regular files, signature unknown or
    changed, or content not in raw.dumps. Everything else is unchanged since it was read, and left
    unopened; only the names to look at come back to Python (O(new), not O(warehouse))."""
    rows = con.execute(
        f"""
        select s.file_name from {_SCAN} s
        where not s.is_regular or not exists (
            select 1 from raw.landed_files l join raw.dumps d on d.sha256 = l.sha256
            where l.file_name = s.file_name and l.size_bytes = s.size_bytes and l.mtime_ns = s.mtime_ns
              and l.ctime_ns = s.ctime_ns and l.inode = s.inode)
        """  # noqa: S608  constant name
    ).fetchall()
    return {row[0] for row in rows}


def _load_signatures(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, tuple[Signature, str]]:
    """The recorded signatures of `names` (the files this run looks at)."""
    rows = con.execute(
        "select file_name, size_bytes, mtime_ns, ctime_ns, inode, sha256 from raw.landed_files "
        "where file_name in (select unnest(?::varchar[]))",
        [names],
    )
    return {name: ((size, mtime, ctime, inode), sha) for name, size, mtime, ctime, inode, sha in rows.fetchall()}


def _save_signatures(
    con: duckdb.DuckDBPyConnection,
    before: dict[str, tuple[Signature, str]],
    after: dict[str, tuple[Signature, str]],
    now: dt.datetime,
) -> None:
    """Make raw.landed_files hold the signatures of one chunk's files looked at, writing only what changed,
    in bulk: `after` are the signatures of the files read and recorded (before: the chunk's rows); the rows
    of the chunk's files refused or deferred go (look again). The files not looked at keep theirs."""
    changed = [name for name, entry in after.items() if before.get(name) != entry]
    gone = [name for name in before if name not in after]
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


def _version_unversioned(con: duckdb.DuckDBPyConnection, looked_at: set[str], now: dt.datetime) -> int:
    """A raw.file_versions row for each unchanged file whose latest row there holds other content
    (in practice: a name the ledger lacks, in older warehouses), as _VersionLedger.saw writes it for
    the files looked at. In one statement, not a Python loop over every file. Rows added."""
    row = con.execute(
        f"""
        insert into raw.file_versions (file_name, dump_id, seen_at)
        select s.file_name, substr(l.sha256, 1, 16),
               case when v.seen is null then ?::timestamp
                    else greatest(?::timestamp, v.seen + interval 1 microsecond) end
        from {_SCAN} s
        join raw.landed_files l on l.file_name = s.file_name
        left join (
            select file_name, arg_max(dump_id, seen_at) as dump_id, max(seen_at) as seen from raw.file_versions
            where file_name in (select file_name from {_SCAN}) group by file_name
        ) v on v.file_name = s.file_name
        where s.file_name not in (select unnest(?::varchar[]))
          and v.dump_id is distinct from substr(l.sha256, 1, 16)
        order by s.file_name
        """,  # noqa: S608  constant name
        [now, now, sorted(looked_at)],
    ).fetchone()
    return int(row[0]) if row else 0


def _ignored_reason(entry: os.DirEntry[str]) -> str:
    """Why a folder entry that is not named like a dump is not looked at (links are not followed)."""
    if entry.is_dir(follow_symlinks=False):
        return "a subfolder: landing reads only the raw folder itself, not its subfolders"
    suffix = Path(entry.name).suffix
    if not suffix:
        return "no .txt extension (the name has none): only *.txt files are page dumps"
    return f"extension '{display_name(suffix)}', not .txt: only *.txt files are page dumps"


def _record_ignored(con: duckdb.DuckDBPyConnection, ignored: list[tuple[str, str]], now: dt.datetime) -> None:
    """One row per name and reason in audit.ignored_files, written the first time it is seen."""
    if not ignored:
        return
    known = set(
        con.execute(
            "select file_name, reason from audit.ignored_files where file_name in (select unnest(?::varchar[]))",
            [sorted({name for name, _ in ignored})],
        ).fetchall()
    )
    rows: list[dict[str, object]] = [
        {"file_name": name, "reason": reason, "seen_at": now} for name, reason in ignored if (name, reason) not in known
    ]
    insert_rows(con, "audit.ignored_files", rows)


class _VersionLedger:
    """raw.file_versions: a row whenever a name's content differs from its latest recorded row (one ledger
    per chunk of files looked at: `names`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, now: dt.datetime, names: list[str]) -> None:
        rows = con.execute(
            "select file_name, arg_max(dump_id, seen_at), max(seen_at) from raw.file_versions "
            "where file_name in (select unnest(?::varchar[])) group by file_name",
            [names],
        ).fetchall()
        self.latest: dict[str, tuple[str, dt.datetime]] = {name: (dump_id, seen) for name, dump_id, seen in rows}
        self.now = now
        self.rows: list[dict[str, object]] = []

    def saw(self, name: str, sha256: str) -> None:
        dump_id = sha256[:16]
        last = self.latest.get(name)
        if last is not None and last[0] == dump_id:
            return
        # Strictly after the name's last row even if the clock went back: the newest row is the current one.
        seen = self.now if last is None else max(self.now, last[1] + dt.timedelta(microseconds=1))
        self.latest[name] = (dump_id, seen)
        self.rows.append({"file_name": name, "dump_id": dump_id, "seen_at": seen})


# One dump file of the scan: its name in the folder, that name as shown and stored (display_name), and its
# lstat() (None if it went before it could be taken).
_Scanned = tuple[str, str, EntryStat | None]


def _scan(raw_dir: Path, report: LandingReport) -> list[_Scanned]:
    """The folder's dump files in name order; the other entries go to report.ignored. Only names and
    EntryStat are kept: landing holds this list for every file of the folder."""
    scanned: list[_Scanned] = []
    ignored: list[tuple[str, str, str]] = []
    with os.scandir(raw_dir) as listing:
        for dir_entry in listing:
            raw_name = dir_entry.name
            name = display_name(raw_name)
            if not is_dump_file_name(raw_name):
                ignored.append((raw_name, name, _ignored_reason(dir_entry)))
                continue
            # One string when nothing needed escaping (nearly always): half the names held.
            scanned.append((raw_name, raw_name if name == raw_name else name, _entry(dir_entry)))
    scanned.sort(key=lambda scanned_file: scanned_file[0])
    report.ignored.extend((name, reason) for _, name, reason in sorted(ignored))
    return scanned


def land_raw_dir(
    raw_dir: Path,
    con: duckdb.DuckDBPyConnection,
    *,
    settle_seconds: float = SETTLE_SECONDS,
    allowed_roots: Sequence[Path] = (),
    max_dump_bytes: int = DEFAULT_MAX_DUMP_BYTES,
) -> LandingReport:
    """Land every *.txt file of raw_dir into raw.dumps, or record why it was refused; list the rest as ignored.

    Links are followed only into raw_dir or allowed_roots (Settings.allowed_roots). File names are
    kept and shown as display_name() writes them (control characters escaped).
    """
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"STEPPE_RAW_DIR {raw_dir} is not a folder")
    roots = (raw_dir.resolve(), *(root.resolve() for root in allowed_roots))  # compared resolved
    report = LandingReport()
    now = dt.datetime.now(dt.UTC)
    utc_now = now.replace(tzinfo=None)  # stored as UTC wall time: no time zone or DST shift reorders versions
    # One scandir and one lstat per entry; DuckDB compares the signatures with raw.landed_files in
    # one join, and only the files to look at (new, changed, links, refused before) come back.
    scanned = _scan(raw_dir, report)
    _register_scan(con, scanned)
    try:
        _land_scanned(con, raw_dir, scanned, report, roots, now, settle_seconds=settle_seconds,
                      max_dump_bytes=max_dump_bytes)
    finally:
        con.unregister(_SCAN)
    _record_ignored(con, report.ignored, utc_now)
    return report


@dataclass(slots=True)
class _Looked:
    """One dump file of the scan, as this run found it: left unopened (cached), read (candidate), or
    deferred or refused while being read."""

    name: str
    entry: EntryStat | None
    cached: bool = False
    candidate: Candidate | None = None
    deferred: str | None = None
    refusal: tuple[str | None, int | None, str] | None = None  # (sha256, size, reason)


def _look(name: str, entry: EntryStat | None, path: Path, roots: Sequence[Path], now: dt.datetime, *,
          settle_seconds: float, max_dump_bytes: int) -> _Looked:
    """Read one file to look at; its deferral or refusal, if reading it failed."""
    looked = _Looked(name, entry)
    try:
        looked.candidate = _read(path, now=now.timestamp(), settle_seconds=settle_seconds, roots=roots, entry=entry,
                                 limit=max_dump_bytes)
    except Deferred as exc:
        looked.deferred = f"{exc}; left for the next run"
    except TooLarge as exc:
        looked.refusal = (exc.sha256, exc.size, str(exc))
    except RejectedDump as exc:
        looked.refusal = (None, None, str(exc))
    except Exception as exc:  # one file's surprise must not stop the batch
        looked.refusal = (None, None, _unexpected(exc))
    return looked


def _unexpected(exc: Exception) -> str:
    # The message may quote the file's text or name: escaped like a name.
    return f"could not be checked: {type(exc).__name__}: {display_name(str(exc))}"


def _landed_contents(con: duckdb.DuckDBPyConnection, shas: list[str]) -> set[str]:
    """Which of these contents raw.dumps holds: one query for a whole chunk of files read."""
    rows = con.execute("select sha256 from raw.dumps where sha256 in (select unnest(?::varchar[]))", [shas]).fetchall()
    return {row[0] for row in rows}


def _new_refusals(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The refusals audit.rejected_dumps does not hold yet (it keeps one per name and content), in one query."""
    if not rows:
        return []
    recorded = set(
        con.execute(
            "select file_name, sha256 from audit.rejected_dumps where file_name in (select unnest(?::varchar[]))",
            [sorted({str(row["file_name"]) for row in rows})],
        ).fetchall()
    )
    return [row for row in rows if (row["file_name"], row["sha256"]) not in recorded]


def _land_scanned(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    scanned: list[_Scanned],
    report: LandingReport,
    roots: Sequence[Path],
    now: dt.datetime,
    *,
    settle_seconds: float,
    max_dump_bytes: int,
) -> None:
    utc_now = now.replace(tzinfo=None)
    looked_at = _to_look_at(con)
    # The files not looked at first, while raw.landed_files still holds only earlier runs' signatures;
    # the chunks below write rows only for files looked at.
    unversioned = _version_unversioned(con, looked_at, utc_now)
    settled_before_ns = int((now.timestamp() - settle_seconds) * 1e9)
    refusals: dict[tuple[str, str | None], dict[str, object]] = {}  # one per name and content
    versions_written = 0

    def refuse(name: str, sha: str | None, size: int | None, reason: str) -> None:
        report.rejected.append((name, reason))
        refusals.setdefault(
            (name, sha), {"file_name": name, "sha256": sha, "reason": reason, "size_bytes": size, "rejected_at": now}
        )

    def settle(chunk: list[_Looked]) -> None:
        """Sort a chunk of files, in scan order, into duplicates, landings, deferrals and refusals, and write
        its dumps, versions and signatures. Whether a content is landed is asked once for the whole chunk
        (O(chunk), not a look-up per file; the chunks before are in raw.dumps already). Nothing is kept for
        the next chunk: what landing holds grows only with the folder's names."""
        nonlocal versions_written
        names = sorted(looked.name for looked in chunk if not looked.cached)
        cached = _load_signatures(con, names)
        versions = _VersionLedger(con, utc_now, names)
        signatures: dict[str, tuple[Signature, str]] = {}  # the chunk's landed and duplicate files, of those read
        read = [looked.candidate.sha256 for looked in chunk if looked.candidate is not None]
        known = _landed_contents(con, read) if read else set()
        new_rows: list[dict[str, object]] = []
        for looked in chunk:
            name, candidate = looked.name, looked.candidate
            if looked.cached:
                # Unchanged since it was read, and its content is landed: a duplicate, left unopened.
                report.duplicates.append(name)
                report.cached += 1
                continue
            if looked.deferred is not None:
                report.deferrals.append((name, looked.deferred))
                continue
            if candidate is None:
                sha, size, reason = looked.refusal or (None, None, "could not be read")
                refuse(name, sha, size, reason)
                continue
            sha, size = candidate.sha256, len(candidate.data)
            # Recorded only once the file is landed or found a duplicate; a refusal is looked at again.
            quick = _cacheable(looked.entry, candidate.info, settled_before_ns=settled_before_ns)
            if sha in known:
                report.duplicates.append(name)
                versions.saw(name, sha)
                if quick:
                    signatures[name] = (_signature(candidate.info), sha)
                continue
            try:
                text, encoding, note = decode_dump_noting(candidate.data)
                check_dump(text)
            except RejectedDump as exc:
                refuse(name, sha, size, str(exc))
                continue
            except Exception as exc:  # one file's surprise must not stop the batch
                refuse(name, sha, size, _unexpected(exc))
                continue
            known.add(sha)
            report.landed.append(name)
            versions.saw(name, sha)
            if quick:
                signatures[name] = (_signature(candidate.info), sha)
            if note:
                report.notes.append((name, note))
            new_rows.append(
                {
                    "dump_id": sha[:16],
                    "sha256": sha,
                    "file_name": name,
                    "size_bytes": size,
                    "encoding": encoding,
                    "content": text,
                    "landed_at": now,
                }
            )
        insert_rows(con, "raw.dumps", new_rows)
        _save_signatures(con, cached, signatures, now)  # after the dumps they point at
        insert_rows(con, "raw.file_versions", versions.rows)
        versions_written += len(versions.rows)

    # Files are read a chunk at a time (LAND_BATCH files or LAND_BATCH_BYTES, so memory stays bounded
    # however many files wait), then settled together.
    chunk: list[_Looked] = []
    held = files_read = 0
    for raw_name, name, entry in scanned:
        if name not in looked_at:
            chunk.append(_Looked(name, entry, cached=True))
            continue
        looked = _look(name, entry, raw_dir / raw_name, roots, now, settle_seconds=settle_seconds,
                       max_dump_bytes=max_dump_bytes)
        chunk.append(looked)
        files_read += 1
        held += len(looked.candidate.data) if looked.candidate else 0
        if files_read >= LAND_BATCH or held >= LAND_BATCH_BYTES:
            settle(chunk)
            chunk, held, files_read = [], 0, 0
    settle(chunk)

    # The signatures of names no longer in the folder go.
    con.execute(f"delete from raw.landed_files where file_name not in (select file_name from {_SCAN})")  # noqa: S608  constant name
    report.versions = versions_written + unversioned
    insert_rows(con, "audit.rejected_dumps", _new_refusals(con, list(refusals.values())))
