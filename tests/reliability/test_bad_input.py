"""Bad and odd input: each kind of file lands with the right result or is refused with a precise
reason, the rest of the batch is unaffected, and nothing is lost.

One batch holds the bundled dumps and every odd file below; it is landed and parsed once
(module fixture). Encoding and line-end variants of a real dump must parse exactly like it.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from steppe.display import display_name
from steppe.landing import DEFAULT_MAX_DUMP_BYTES, LandingReport, is_dump_name, land_raw_dir
from steppe.stages.parse import parse_new_dumps
from steppe.warehouse import connect
from tests.conftest import FIRST, SEED_NAMES, SEED_TEXT, age, file_digest, query, seed_raw, write_dump

SECOND = SEED_TEXT[SEED_NAMES[1]]
THIRD = SEED_TEXT[SEED_NAMES[2]]
TICKER = "".join(FIRST.splitlines(keepends=True)[:40])  # the 40 ticker lines of the first dump
HUGE_BYTES = 50 * 1024 * 1024


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def mixed(text: str) -> str:
    """CRLF and LF line ends alternating (a file edited on both systems)."""
    lines = text.split("\n")
    return "\n".join(line + ("\r" if i % 2 else "") for i, line in enumerate(lines[:-1])) + "\n" + lines[-1]


@dataclass(frozen=True)
class Kind:
    name: str  # file name in the raw folder
    make: Callable[[Path, Path], None]  # (its path in the raw folder, a folder outside it)
    outcome: str  # landed | duplicate | rejected | deferred | ignored
    reason: str = ""  # for rejected, deferred and ignored: what the reason must say
    parses_like: str | None = None  # for landed variants: the text they must parse exactly like


def data(payload: bytes | str) -> Callable[[Path, Path], None]:
    def make(path: Path, _aux: Path) -> None:
        write_dump(path.parent, path.name, payload)

    return make


def symlink(target: Callable[[Path, Path], Path]) -> Callable[[Path, Path], None]:
    return lambda path, aux: os.symlink(target(path.parent, aux), path)


def outside(payload: str) -> Callable[[Path, Path], Path]:
    return lambda _raw, aux: write_dump(aux, "elsewhere.txt", payload)


def make_dir(path: Path, _aux: Path) -> None:
    path.mkdir()


def make_fifo(path: Path, _aux: Path) -> None:
    os.mkfifo(path)
    age(path)


def make_socket(path: Path, _aux: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    age(path)


def make_huge(path: Path, _aux: Path) -> None:
    """50 MB of real page text, the first dump over and over."""
    block = FIRST.encode()
    with open(path, "wb") as out:
        written = 0
        while written < HUGE_BYTES:
            chunk = block[: HUGE_BYTES - written]
            out.write(chunk)
            written += len(chunk)
    age(path)


def make_fresh(path: Path, _aux: Path) -> None:
    path.write_text(THIRD + "\n\n\n")  # modified just now


def make_future(path: Path, _aux: Path) -> None:
    path.write_text(SECOND + "\n")
    stamp = time.time() + 86400
    os.utime(path, (stamp, stamp))


def replace_nth(text: str, old: str, new: str, n: int) -> str:
    at = -1
    for _ in range(n):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old):]


def _cut_in_character() -> bytes:
    raw = FIRST.encode()
    last = raw.rindex("’".encode())
    return raw[: last + 2]  # two of the three bytes of the last ’


CUT_TICKER = TICKER[: TICKER.index("KZT", 200) + len("KZT/USD = 0.0")]
LATIN1_PAGE = ("08 December 2025\n\nCafé Culture Grows in Almaty\n\n"
               "The number of cafés in Almaty has doubled since 2020, the city’s akimat said.\n")

KINDS: list[Kind] = [
    # Landed, and parsed exactly like the UTF-8, LF original.
    Kind("crlf.txt", data(crlf(FIRST)), "landed", parses_like=FIRST),
    Kind("cr_only.txt", data(FIRST.replace("\n", "\r")), "landed", parses_like=FIRST),
    Kind("mixed_line_ends.txt", data(mixed(FIRST)), "landed", parses_like=FIRST),
    Kind("utf8_bom.txt", data(codecs.BOM_UTF8 + FIRST.encode()), "landed", parses_like=FIRST),
    Kind("utf16le_bom.txt", data(codecs.BOM_UTF16_LE + FIRST.encode("utf-16-le")), "landed", parses_like=FIRST),
    Kind("utf16be_bom.txt", data(codecs.BOM_UTF16_BE + FIRST.encode("utf-16-be")), "landed", parses_like=FIRST),
    Kind("utf16le_no_bom.txt", data(FIRST.encode("utf-16-le")), "landed", parses_like=FIRST),
    Kind("utf16be_no_bom.txt", data(FIRST.encode("utf-16-be")), "landed", parses_like=FIRST),
    Kind("utf32_bom.txt", data(FIRST.encode("utf-32")), "landed", parses_like=FIRST),
    Kind("utf16_bom_crlf.txt", data(crlf(FIRST).encode("utf-16")), "landed", parses_like=FIRST),
    Kind("UPPER_CASE_SUFFIX.TXT", data(FIRST + "\n"), "landed", parses_like=FIRST),
    Kind("Ташкент новости 2025.txt", data(SECOND + "\n\n"), "landed", parses_like=SECOND),
    Kind(".hidden.txt", data(THIRD + "\n"), "landed", parses_like=THIRD),
    Kind("link_into_a_subfolder.txt", symlink(lambda raw, _aux: write_dump(raw / "archive", "third.txt", THIRD + "\n\n")),
         "landed", parses_like=THIRD),
    Kind("esc\x1b[2J\u202enew\nline.txt", data(FIRST + "\n\n\n"), "landed", parses_like=FIRST),
    Kind("mtime_in_the_future.txt", make_future, "landed", parses_like=SECOND),
    # Landed: odd pages, each with the result checked in test_odd_pages_parse_as_expected.
    Kind("ticker_only.txt", data(TICKER), "landed"),
    Kind("no_date_line.txt", data(FIRST.replace("08 December 2025\n", "")), "landed"),
    Kind("malformed_rate.txt", data(FIRST.replace("KZT/USD = 0.00196 -0%", "KZT/USD = 0,00196 -0%")), "landed"),
    Kind("unknown_currency.txt", data(FIRST.replace("TMT/USD = 0.28490 0%\n", "TMT/USD = 0.28490 0%\n  • XYZ/USD = 1.23000 0%\n", 1)),
         "landed"),
    Kind("unicode_minus_change.txt", data(FIRST.replace("KGS/USD = 0.01144 0%", "KGS/USD = 0.01144 −0.42%")), "landed"),
    Kind("conflicting_repeat.txt", data(replace_nth(FIRST, "KZT/USD = 0.00196", "KZT/USD = 0.00999", 2)), "landed"),
    Kind("date_only.txt", data("08 December 2025\n"), "landed"),
    Kind("listing_only.txt", data("Viewing results 1 - 6 of 53\n"), "landed"),
    Kind("cut_inside_a_character.txt", data(_cut_in_character()), "landed"),
    Kind("same_article_other_body.txt", data(FIRST.replace(
        "A branch of Cardiff University will open in Astana next year.",
        "A branch of Cardiff University, in Wales, will open in Astana next year.")), "landed"),
    # Recognised as content already landed.
    Kind("copy_of_a_dump.txt", data(FIRST), "duplicate"),
    Kind("link_to_a_dump_inside.txt", symlink(lambda raw, _aux: raw / f"{SEED_NAMES[1]}.txt"), "duplicate"),
    # Refused, with the reason.
    Kind("empty.txt", data(b""), "rejected", "empty file (0 bytes)"),
    Kind("whitespace_only.txt", data(" \n\t\n\u00a0\u2003\n\r\n"), "rejected", "only white space"),
    Kind("binary.txt", data(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), "rejected",
         "binary file, not text: NUL byte at offset 8"),
    Kind("nul_padded.txt", data(FIRST.encode() + b"\x00" * 4096), "rejected",
         f"ends in 4096 NUL bytes from offset {len(FIRST.encode())}: a partly written or preallocated file"),
    Kind("latin1.txt", data(LATIN1_PAGE.replace("’", "'").encode("latin-1")), "rejected",
         f"not UTF-8 text: byte 0xE9 at offset {LATIN1_PAGE.index('é')} is invalid UTF-8"),
    Kind("latin1_ending_in_e_acute.txt", data(b"08 December 2025\n\nNew Caf\xe9"), "rejected",
         "not UTF-8 text: byte 0xE9 at offset 25 is invalid UTF-8"),  # not taken for UTF-8 cut mid-character
    Kind("windows_1252.txt", data(FIRST.encode("cp1252")), "rejected",
         "not UTF-8 text: byte 0x95 at offset 0 is invalid UTF-8"),
    Kind("utf16_bom_odd_length.txt", data(FIRST.encode("utf-16")[:-1]), "rejected",
         "starts with a utf-16 byte-order mark but is not valid utf-16: truncated data"),
    Kind("cut_inside_the_ticker.txt", data(CUT_TICKER), "rejected",
         f"cut off inside the FX ticker: line {CUT_TICKER.count(chr(10)) + 1} ('• KZT/USD = 0.0') is incomplete"),
    # A page with no ticker, date or header: old article pages, tag and author pages look like this.
    Kind("no_header_at_all.txt", data("Remember to renew the scraper's proxy.\nCall Aigerim on Monday.\n"), "landed"),
    Kind("digits_only.txt", data("2025 12 08\n0.00196 -0.51%\n"), "rejected",
         "no words: not one line of the file holds a word"),
    Kind("json_document.txt", data('{"title": "Cardiff University", "date": "2025-12-08"}\n'), "rejected",
         "a JSON document, not a text page dump"),
    Kind("xml_document.txt", data('<?xml version="1.0"?>\n<rss version="2.0"></rss>\n'), "rejected",
         "an XML document, not a text page dump"),
    Kind("control_characters.txt", data("ELF" + "\x01\x02\x03\x7f" * 64), "rejected",
         "binary content, not text: 256 control characters in 259 characters"),
    Kind("error_page.txt", data("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>\n"),
         "rejected", "an HTML document, not a text page dump"),
    Kind("directory.txt", make_dir, "rejected", "a directory, not a dump file"),
    Kind("link_to_a_directory.txt", symlink(lambda raw, _aux: raw), "rejected", "a directory, not a dump file"),
    Kind("dangling_link.txt", symlink(lambda _raw, aux: aux / "gone.txt"), "rejected",
         "broken symbolic link: its target"),
    Kind("link_loop.txt", symlink(lambda raw, _aux: raw / "link_loop.txt"), "rejected", "symbolic link loop"),
    Kind("named_pipe.txt", make_fifo, "rejected", "a named pipe (FIFO), not a dump file"),
    Kind("socket.txt", make_socket, "rejected", "a socket, not a dump file"),
    # The raw folder is the trust boundary: a link out of it is never followed.
    Kind("link_to_a_dump_outside.txt", symlink(outside(THIRD + "\n\n")), "rejected",
         "outside the raw folder: only links into the raw folder (or a folder named in STEPPE_ALLOWED_ROOTS)"),
    Kind("link_to_etc_passwd.txt", symlink(lambda _raw, _aux: Path("/etc/passwd")), "rejected",
         "a symbolic link to '/etc/passwd', outside the raw folder"),
    Kind("link_to_dev_null.txt", symlink(lambda _raw, _aux: Path("/dev/null")), "rejected",
         "a symbolic link to '/dev/null', outside the raw folder"),
    Kind("fifty_megabytes.txt", make_huge, "rejected",
         f"too large for a page dump: {HUGE_BYTES:,} bytes, over the limit of {DEFAULT_MAX_DUMP_BYTES:,} bytes"),
    # Left for the next run.
    Kind("still_being_written.txt", make_fresh, "deferred", "may still be being written; left for the next run"),
    # Not a dump by name: not looked at.
    Kind("notes.csv", data("a,b\n1,2\n"), "ignored", "extension '.csv', not .txt"),
    Kind("page.html", data("<html></html>\n"), "ignored", "extension '.html', not .txt"),
    Kind("README", data("Dumps go here.\n"), "ignored", "no .txt extension"),
    Kind("half_copied.txt.part", data(FIRST[:100]), "ignored", "extension '.part', not .txt"),
    Kind("link_to_shadow", symlink(lambda _raw, _aux: Path("/etc/shadow")), "ignored", "no .txt extension"),
    Kind("sub_folder", make_dir, "ignored", "a subfolder"),
]


@dataclass
class Batch:
    raw: Path
    report: LandingReport
    db: Path
    seed_only_db: Path


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    root = tmp_path_factory.mktemp("bad_input")
    raw, aux = root / "raw", root / "elsewhere"
    seed_raw(raw)
    aux.mkdir()
    for kind in KINDS:
        kind.make(raw / kind.name, aux)
    db = root / "batch.duckdb"
    with connect(db) as con:
        # Every file but the fresh one is a minute old (age()). A settle time of the default 2 s was
        # sometimes over before landing reached the fresh file, behind 50 MB of hashing on a busy machine.
        report = land_raw_dir(raw, con, settle_seconds=30)
        parse_new_dumps(con)
    seed_only_db = root / "seeds.duckdb"
    with connect(seed_only_db) as con:
        land_raw_dir(seed_raw(root / "seeds_only"), con)
        parse_new_dumps(con)
    yield Batch(raw, report, db, seed_only_db)
    (raw / "fifty_megabytes.txt").unlink()



def dump_id_of(db: Path, file_name: str) -> str:
    rows = query(db, "select dump_id from raw.dumps where file_name = ?", [file_name])
    assert len(rows) == 1, f"{file_name} was not landed"
    return str(rows[0][0])


def parsed(db: Path, dump_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything parsing produced for one dump, without the dump id."""
    return {
        "page": query(db, "select page_date, listing_first, listing_last, listing_total, quote_count, article_count "
                          "from raw.pages where dump_id = ?", [dump_id]),
        "quotes": query(db, "select position, currency, quote_currency, rate, change_pct from raw.fx_quotes "
                            "where dump_id = ? order by position", [dump_id]),
        "articles": query(db, "select position, title, body, paragraph_count, subheadings, inline_subheadings, "
                              "is_truncated, dateline, content_hash from raw.page_articles where dump_id = ? "
                              "order by position", [dump_id]),
        "issues": query(db, "select line_no, kind, detail from raw.parse_issues where dump_id = ? order by all",
                        [dump_id]),
    }


def test_there_are_at_least_thirty_kinds() -> None:
    assert len(KINDS) >= 30
    assert len({k.name for k in KINDS}) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_each_kind_lands_or_is_refused_with_its_reason(batch: Batch, kind: Kind) -> None:
    report = batch.report
    rejected = dict(report.rejected)
    deferred = dict(report.deferrals)
    name = display_name(kind.name)  # how landing names it everywhere
    if kind.outcome == "landed":
        assert name in report.landed, rejected.get(name) or deferred.get(name)
        dump_id_of(batch.db, name)
    elif kind.outcome == "duplicate":
        assert name in report.duplicates
    elif kind.outcome == "rejected":
        assert kind.reason in rejected.get(name, ""), rejected.get(name)
        rows = query(batch.db, "select reason from audit.rejected_dumps where file_name = ?", [name])
        assert rows == [(rejected[name],)]
    elif kind.outcome == "deferred":
        assert name in report.deferred and kind.reason in deferred[name]
    else:
        assert not is_dump_name(batch.raw / kind.name)
        assert name not in report.landed + report.duplicates + report.deferred + list(rejected)
        assert kind.reason in dict(report.ignored)[name]
        rows = query(batch.db, "select reason from audit.ignored_files where file_name = ?", [name])
        assert rows == [(dict(report.ignored)[name],)]


def test_a_file_name_is_shown_with_its_control_characters_escaped(batch: Batch) -> None:
    shown = "esc\\x1b[2J\\u202enew\\x0aline.txt"
    assert shown in batch.report.landed and dump_id_of(batch.db, shown)
    text = json.dumps(batch.report.as_dict(), ensure_ascii=False)
    assert "\x1b" not in text and "\u202e" not in text and "\n" not in text


def test_the_target_of_a_link_out_of_the_raw_folder_is_never_read(batch: Batch) -> None:
    assert query(batch.db, "select count(*) from raw.dumps where content like '%root:%'") == [(0,)]
    refused = query(batch.db, "select sha256, size_bytes from audit.rejected_dumps where file_name like 'link_to_%'")
    assert refused and all(row == (None, None) for row in refused)


@pytest.mark.parametrize("kind", [k for k in KINDS if k.parses_like], ids=lambda k: k.name)
def test_encoding_and_line_end_variants_parse_exactly_like_the_original(batch: Batch, kind: Kind) -> None:
    original = next(f"{n}.txt" for n, t in SEED_TEXT.items() if t == kind.parses_like)
    variant = dump_id_of(batch.db, display_name(kind.name))
    assert parsed(batch.db, variant) == parsed(batch.db, dump_id_of(batch.db, original))


def test_odd_pages_parse_as_expected(batch: Batch) -> None:
    def page(name: str) -> dict[str, list[tuple[Any, ...]]]:
        return parsed(batch.db, dump_id_of(batch.db, name))

    first = page(f"{SEED_NAMES[0]}.txt")
    ticker = page("ticker_only.txt")
    assert ticker["page"] == [(None, None, None, None, 5, 0)] and ticker["quotes"] == first["quotes"]
    undated = page("no_date_line.txt")
    assert undated["page"][0][0] is None and undated["articles"] == first["articles"]
    bad_rate = page("malformed_rate.txt")
    assert [q[1] for q in bad_rate["quotes"]] == ["KGS", "TJS", "UZS", "TMT"]
    assert {i[1] for i in bad_rate["issues"]} == {"malformed_quote"} and bad_rate["articles"] == first["articles"]
    unknown = page("unknown_currency.txt")
    assert unknown["quotes"] == first["quotes"] and [i[1] for i in unknown["issues"]] == ["unknown_currency"]
    minus = page("unicode_minus_change.txt")
    assert [q for q in minus["quotes"] if q[1] == "KGS"] == [(1, "KGS", "USD", "0.01144", "-0.42")]
    conflict = page("conflicting_repeat.txt")
    assert conflict["quotes"] == first["quotes"] and [i[1] for i in conflict["issues"]] == ["conflicting_quote"]
    assert page("date_only.txt")["page"][0][0].isoformat() == "2025-12-08"
    assert page("listing_only.txt")["page"] == [(None, 1, 6, 53, 0, 0)]
    cut = page("cut_inside_a_character.txt")
    assert [a[1] for a in cut["articles"]] == [a[1] for a in first["articles"]]
    notes = dict(batch.report.notes)
    assert notes["cut_inside_a_character.txt"] == "cut off inside its last character: the 2 byte(s) of it were dropped"
    assert notes["utf16le_no_bom.txt"] == "UTF-16 without a byte-order mark, read as utf-16-le"
    assert notes["utf16be_no_bom.txt"] == "UTF-16 without a byte-order mark, read as utf-16-be"
    encodings = {r[0] for r in query(batch.db, "select distinct encoding from raw.dumps")}
    assert encodings == {"utf-8", "utf-8-sig", "utf-16", "utf-32"}  # what the dbt tests accept
    other = page("same_article_other_body.txt")
    assert [a[1] for a in other["articles"]] == [a[1] for a in first["articles"]]
    assert sum(a[2] != b[2] for a, b in zip(other["articles"], first["articles"], strict=True)) == 1


def test_the_rest_of_the_batch_is_unaffected(batch: Batch) -> None:
    for name in SEED_NAMES:
        dump_id = dump_id_of(batch.seed_only_db, f"{name}.txt")
        assert dump_id_of(batch.db, f"{name}.txt") == dump_id
        assert parsed(batch.db, dump_id) == parsed(batch.seed_only_db, dump_id)


def test_every_file_is_accounted_for(batch: Batch) -> None:
    """Landed (its content in raw.dumps), refused with a reason, or left for the next run with one."""
    landed = dict(query(batch.db, "select file_name, sha256 from raw.dumps"))
    shas = set(landed.values())
    refused = dict(query(batch.db, "select file_name, reason from audit.rejected_dumps"))
    deferred = dict(batch.report.deferrals)
    for path in sorted(batch.raw.iterdir()):
        if not is_dump_name(path):
            continue
        name = display_name(path.name)
        if name in landed or name in refused or name in deferred:
            continue
        assert name in batch.report.duplicates, f"{name} is not accounted for"
        assert file_digest(path) in shas


def test_the_fifty_megabyte_file_is_never_held_in_memory(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_dump(raw, "small.txt", FIRST)
    make_huge(raw / "huge.txt", tmp_path)
    with connect(tmp_path / "w.duckdb") as con:
        tracemalloc.start()
        try:
            report = land_raw_dir(raw, con)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        sha = con.execute("select sha256 from audit.rejected_dumps where file_name = 'huge.txt'").fetchone()
    assert report.landed == ["small.txt"] and [f for f, _ in report.rejected] == ["huge.txt"]
    assert peak < 8 * 1024 * 1024, f"landing peaked at {peak:,} bytes of Python memory"
    assert sha is not None and len(sha[0]) == 64  # the refusal names the content, hashed in chunks


def test_a_file_written_while_landing_is_deferred_then_landed_whole(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_dump(raw, "settled.txt", SECOND)
    target = raw / "arriving.txt"
    payload = FIRST.encode()
    started = threading.Event()

    def writer() -> None:
        with open(target, "wb") as out:
            for i in range(0, len(payload), 1024):
                out.write(payload[i : i + 1024])
                out.flush()
                started.set()
                time.sleep(0.02)

    thread = threading.Thread(target=writer)
    thread.start()
    started.wait(5)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        first = land_raw_dir(raw, con)
    thread.join()
    assert first.landed == ["settled.txt"] and first.deferred == ["arriving.txt"]
    assert "may still be being written" in dict(first.deferrals)["arriving.txt"]
    age(target)
    with connect(db) as con:
        second = land_raw_dir(raw, con)
        content = con.execute("select content from raw.dumps where file_name = 'arriving.txt'").fetchone()
    assert second.landed == ["arriving.txt"] and content == (FIRST,)  # whole, nothing lost


def test_a_file_replaced_under_the_same_name_keeps_both_contents(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_dump(raw, "page.txt", FIRST)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        land_raw_dir(raw, con)
    write_dump(raw, "page.txt", SECOND)
    with connect(db) as con:
        assert land_raw_dir(raw, con).landed == ["page.txt"]
        assert con.execute("select count(*) from raw.dumps").fetchone() == (2,)


# --- no read permission: the landing step as an unprivileged user ---------------------------------

UNPRIVILEGED = 65534  # nobody
DRIVER = """
import json, sys
from pathlib import Path
from steppe.landing import land_raw_dir
from steppe.warehouse import connect
with connect(Path(sys.argv[2])) as con:
    print(json.dumps(land_raw_dir(Path(sys.argv[1]), con).as_dict()))
"""


def test_an_unreadable_file_is_refused_when_landing_runs_unprivileged() -> None:
    """Root reads everything, so the landing step runs as `nobody` (setpriv), as a service user would."""
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to run the landing step as an unprivileged user"
    root = Path(tempfile.mkdtemp(prefix="steppe-perm-", dir="/tmp"))  # pytest's tmp is private to root
    try:
        os.chmod(root, 0o755)
        raw = seed_raw(root / "raw")
        secret = write_dump(raw, "no_read_permission.txt", FIRST + "\n")
        os.chmod(secret, 0)
        age(secret)
        locked_dir = raw / "locked"  # not a dump name: not looked at
        locked_dir.mkdir(mode=0)
        out = root / "out"
        out.mkdir()
        os.chown(out, UNPRIVILEGED, UNPRIVILEGED)
        env = {**os.environ, "HOME": str(out)}
        done = subprocess.run(
            [setpriv, f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}", "--clear-groups",
             sys.executable, "-c", DRIVER, str(raw), str(out / "w.duckdb")],
            capture_output=True, text=True, env=env, timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["landed"] == 3
        assert report["ignored"] == [{"file": "locked", "reason": "a subfolder: landing reads only the raw folder "
                                      "itself, not its subfolders"}]
        assert report["rejections"] == [{
            "file": "no_read_permission.txt",
            "reason": f"cannot read: permission denied (mode 000, owner uid 0; landing runs as uid {UNPRIVILEGED})",
        }]
        assert stat.S_IMODE(secret.stat().st_mode) == 0  # left where it was, as it was
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- the whole pipeline over the odd batch -----------------------------------------------------------


@pytest.mark.slow
def test_the_pipeline_publishes_over_the_odd_batch(batch: Batch, tmp_path: Path) -> None:
    from steppe.pipeline import run_pipeline
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, batch.raw)
    results = run_pipeline(settings)
    assert results["validate"]["blocking_failures"] == []
    # Every kind that lands, and the file that was still being written, which has settled since.
    assert results["land"]["landed"] == len(SEED_NAMES) + sum(k.outcome in ("landed", "deferred") for k in KINDS)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        # The same article in two dumps with different bodies: one row, the fuller body, every rebuild.
        rows = con.execute("select body, version_count from marts.articles "
                           "where title = 'Cardiff University to Open Branch in Astana'").fetchall()
        assert len(rows) == 1 and rows[0][0].startswith("A branch of Cardiff University, in Wales,") and rows[0][1] == 2
        titles = {r[0] for r in con.execute("select title from marts.articles").fetchall()}
        seed_titles = {r[0] for r in duckdb.connect(str(batch.seed_only_db), read_only=True)
                       .execute("select title from raw.page_articles").fetchall()}
        assert seed_titles <= titles
        # Undated quotes (ticker only, no date line) never reach fx_daily; no XYZ either.
        assert con.execute("select count(*) from marts.fx_daily where rate_date is null or currency = 'XYZ'"
                           ).fetchone() == (0,)
    finally:
        con.close()
