"""Finding landing files, fingerprinting them, and repairing what DuckDB's reader cannot take.

The file ledger keys every load on the file's sha256, so the hash is computed once per file in
a streaming pass; the same pass checks that the bytes are valid UTF-8, that the line endings
are consistent and whether the last line is ended, because those are the defects real PBX
exports have that make DuckDB's CSV reader reject a line (invalid UTF-8) or the whole file
(``\\n`` mixed with ``\\r\\n``), or that say the file was cut while being written (no line end
after the last line). Files with either of the first two defects are read from a repaired copy
(see `write_repaired_copy`); everything else is read in place.

Text that is not UTF-8: a line that is not valid UTF-8 is decoded as a whole with the *legacy
encoding* (latin-1 unless configured: ``CCWH_LEGACY_ENCODING``, e.g. ``windows-1251`` for a
PBX that writes Cyrillic caller names in the Windows code page), so one line is never half
UTF-8 and half code page; lines that are valid UTF-8 are kept as they are. UTF-16 files (with
their byte-order mark, as Excel's "Unicode text" export writes them) are transcoded first.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# source key -> (folder under the landing dir, glob of the files in it)
SOURCE_FILES: dict[str, tuple[str, str]] = {
    "asterisk_queue_log": ("asterisk/queue_log", "*"),
    "asterisk_cdr": ("asterisk/cdr", "*.csv"),
    "roster_agents": ("roster", "agents.csv"),
    # Firehose delivers into dated prefixes (YYYY/MM/DD/HH/): every file below the folder
    "amazon_connect_ctr": ("amazon_connect/ctr", "**/*"),
    # one folder per mapped source, its mapping beside the data files (a file anywhere else
    # below mapped/ is found too, and fails with where it belongs)
    "mapped_contacts": ("mapped", "**/*"),
}
# file names in a source's folder that are configuration, not data
NOT_DATA: dict[str, tuple[str, ...]] = {"mapped_contacts": ("mapping.yml", "mapping.yaml")}

_CHUNK = 1 << 20
# a day in a file's name: 20240127 or 2024-01-27, not inside a longer number
_NAME_DAY = re.compile(r"(?<![0-9])(\d{4})-?(\d{2})-?(\d{2})(?![0-9])")


def name_day(path: Path | str) -> date | None:
    """The day a file's name carries (queue_log-20240127, Master-20240127.csv,
    dialer-2024-01-27.csv): the last date in the name, or None when there is none or the last
    one is not a valid date. The daily ingestion path and the volume baseline read it."""
    found = _NAME_DAY.findall(Path(path).name)
    if not found:
        return None
    try:
        return date(*(int(part) for part in found[-1]))
    except ValueError:
        return None


# how a line that is not valid UTF-8 is read unless configured (CCWH_LEGACY_ENCODING)
LEGACY_ENCODING = "latin-1"


def discover(landing_dir: Path, source: str) -> list[Path]:
    """The files of one source, sorted by name (hidden files and folders are skipped)."""
    folder, pattern = SOURCE_FILES[source]
    base = landing_dir / folder
    if not base.is_dir():
        return []
    skip = NOT_DATA.get(source, ())
    return sorted(
        p
        for p in base.glob(pattern)
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(base).parts)
        and p.name not in skip
    )


def relative_name(landing_dir: Path, path: Path) -> str:
    """`_file_name` of a file: its path relative to the landing folder, with '/' separators."""
    return path.relative_to(landing_dir).as_posix()


# A file whose mtime or ctime is this recent may still be written to within the same tick
# of the filesystem's clock, so what `stat` says of it is not trusted to identify its bytes
# (git's "racy clean" rule); it is read and hashed again until it has settled.
SETTLE_NS = 2_000_000_000


@dataclass(frozen=True)
class FileStat:
    """What the filesystem says of a file without reading it: size, modification and change
    times (ns) and inode. Equal stats of a settled file mean the same bytes: a rewrite in place
    changes the mtime and the ctime (a tool that restores the mtime still changes the ctime), a
    new copy or a rename over it changes the inode (DECISIONS.md D214)."""

    size_bytes: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileStat:
        st = path.stat()
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

    def settled(self, now_ns: int) -> bool:
        """Unchanged for `SETTLE_NS` before `now_ns` (time.time_ns())."""
        return max(self.mtime_ns, self.ctime_ns) < now_ns - SETTLE_NS


@dataclass(frozen=True)
class FileScan:
    """What one streaming pass over a file's bytes tells us."""

    size_bytes: int
    sha256: str
    is_utf8: bool
    crlf_lines: int
    lf_lines: int
    # the last byte is a line end (or the file is empty): a file cut while being written
    # ends in the middle of a line
    ends_with_newline: bool = True

    @property
    def mixed_newlines(self) -> bool:
        """Some lines end in CRLF, others in LF: DuckDB's strict reader rejects such a file."""
        return 0 < self.crlf_lines < self.lf_lines

    @property
    def needs_repair(self) -> bool:
        return not self.is_utf8 or self.mixed_newlines


def scan_file(path: Path) -> FileScan:
    """Size, sha256, UTF-8 validity and line-ending counts, reading the file once in chunks."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    is_utf8 = True
    size = crlf = lf = 0
    previous_last = b""
    last_byte = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            digest.update(chunk)
            lf += chunk.count(b"\n")
            crlf += chunk.count(b"\r\n") + (previous_last == b"\r" and chunk[:1] == b"\n")
            previous_last = last_byte = chunk[-1:]
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
        if is_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
    ends = size == 0 or last_byte in (b"\n", b"\r")
    return FileScan(size, digest.hexdigest(), is_utf8, crlf, lf, ends)


@dataclass
class RepairReport:
    """What `write_repaired_copy` changed, for the ledger message."""

    invalid_utf8_lines: list[int] = field(default_factory=list)
    invalid_utf8_bytes: int = 0
    example: str = ""
    encoding: str = LEGACY_ENCODING
    undefined_bytes: int = 0
    newlines_normalized: bool = False

    def describe(self, max_lines: int = 12) -> str:
        parts = []
        if self.invalid_utf8_lines:
            shown = ", ".join(str(n) for n in self.invalid_utf8_lines[:max_lines])
            more = len(self.invalid_utf8_lines) - max_lines
            if more > 0:
                shown += f" and {more} more"
            undefined = (
                f"; {self.undefined_bytes} byte(s) that {self.encoding} does not define read "
                "as latin-1"
                if self.undefined_bytes
                else ""
            )
            parts.append(
                f"not valid UTF-8 on {len(self.invalid_utf8_lines)} line(s) ({shown}): "
                f"{self.invalid_utf8_bytes} invalid byte(s); each such line read as "
                f"{self.encoding} ({self.example}){undefined}, the rows are kept"
            )
        if self.newlines_normalized:
            parts.append("mixed CRLF/LF line endings read as LF")
        return "; ".join(parts)


_fallback_state = threading.local()
_FALLBACK_HANDLER = "ccwh_ingest_find_invalid"
_LATIN1_HANDLER = "ccwh_ingest_latin1"


def _record_invalid(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler that notes where the invalid bytes are (the text is rebuilt later)."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    _fallback_state.positions.append((err.start, bytes(bad)))
    return "\ufffd", err.end


def _latin1(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte the code page does not define becomes its latin-1 character."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    _fallback_state.undefined = getattr(_fallback_state, "undefined", 0) + err.end - err.start
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error(_FALLBACK_HANDLER, _record_invalid)
codecs.register_error(_LATIN1_HANDLER, _latin1)


def check_encoding(name: str) -> str:
    """The codec name of a legacy encoding; ValueError saying what to write when unknown."""
    try:
        codecs.lookup(name)
        return name
    except LookupError as exc:
        raise ValueError(
            f"the legacy encoding {name!r} (CCWH_LEGACY_ENCODING) is not an encoding Python "
            "knows; use e.g. latin-1, windows-1251, windows-1252"
        ) from exc


def write_repaired_copy(
    path: Path, dest: Path, scan: FileScan, encoding: str = LEGACY_ENCODING
) -> RepairReport:
    """Write `path` to `dest` as valid UTF-8 with one kind of line ending; report what changed.

    A line that is valid UTF-8 is copied as it is; a line that is not is decoded as a whole
    with `encoding` (bytes it does not define: latin-1). Line structure is preserved exactly
    (no single-byte code page turns a byte other than ``\\n`` into a line end), so line numbers
    in the copy are the line numbers of the original file.
    """
    data = path.read_bytes()
    report = RepairReport(encoding=encoding)
    _fallback_state.positions = []
    try:
        text = data.decode("utf-8", errors=_FALLBACK_HANDLER)
        positions = _fallback_state.positions
    finally:
        _fallback_state.positions = []
    if positions:
        report.invalid_utf8_bytes = sum(len(b) for _, b in positions)
        # the byte spans of the lines that hold invalid bytes, in order (one step per invalid
        # byte sequence, not per line of the file)
        spans: list[tuple[int, int]] = []
        line, last_pos, lines = 1, 0, []
        for pos, _ in positions:
            line += data.count(b"\n", last_pos, pos)
            last_pos = pos
            if lines and lines[-1] == line:
                continue
            lines.append(line)
            end = data.find(b"\n", pos)
            spans.append((data.rfind(b"\n", 0, pos) + 1, len(data) if end < 0 else end))
        report.invalid_utf8_lines = lines
        _fallback_state.undefined = 0
        pieces, done = [], 0
        for start, end in spans:
            pieces.append(data[done:start].decode("utf-8"))
            pieces.append(data[start:end].decode(encoding, errors=_LATIN1_HANDLER))
            done = end
        pieces.append(data[done:].decode("utf-8"))
        text = "".join(pieces)
        report.undefined_bytes = _fallback_state.undefined
        first = positions[0][1]
        shown = first.decode(encoding, errors=_LATIN1_HANDLER)
        report.example = f"0x{first.hex().upper()} -> {shown!r}"
    if scan.mixed_newlines:
        text = text.replace("\r\n", "\n")
        report.newlines_normalized = True
    dest.write_text(text, encoding="utf-8", newline="")
    return report


UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}


def utf16_encoding(path: Path) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the file starts with that byte-order mark, else None."""
    with path.open("rb") as handle:
        head = handle.read(2)
    return UTF16_BOMS.get(head)


def transcode_utf16(path: Path, dest: Path, encoding: str) -> None:
    """Copy a UTF-16 file (byte-order mark first) as UTF-8 without the mark."""
    text = path.read_bytes()[2:].decode(encoding, errors=_LATIN1_HANDLER)
    dest.write_text(text, encoding="utf-8", newline="")
