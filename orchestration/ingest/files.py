"""Finding landing files, fingerprinting them, and repairing what DuckDB's reader cannot take.

The file ledger keys every load on the file's sha256, so the hash is computed once per file in
a streaming pass; the same pass checks that the bytes are valid UTF-8 and that the line endings
are consistent, because those are the two defects real PBX exports have that make DuckDB's CSV
reader reject a line (invalid UTF-8) or the whole file (``\\n`` mixed with ``\\r\\n``). Files
with either defect are read from a repaired copy (see `write_repaired_copy`); everything else
is read in place.
"""

from __future__ import annotations

import codecs
import hashlib
import threading
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class FileScan:
    """What one streaming pass over a file's bytes tells us."""

    size_bytes: int
    sha256: str
    is_utf8: bool
    crlf_lines: int
    lf_lines: int

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
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            digest.update(chunk)
            lf += chunk.count(b"\n")
            crlf += chunk.count(b"\r\n") + (previous_last == b"\r" and chunk[:1] == b"\n")
            previous_last = chunk[-1:]
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
    return FileScan(size, digest.hexdigest(), is_utf8, crlf, lf)


@dataclass
class RepairReport:
    """What `write_repaired_copy` changed, for the ledger message."""

    invalid_utf8_lines: list[int] = field(default_factory=list)
    invalid_utf8_bytes: int = 0
    example: str = ""
    newlines_normalized: bool = False

    def describe(self, max_lines: int = 12) -> str:
        parts = []
        if self.invalid_utf8_lines:
            shown = ", ".join(str(n) for n in self.invalid_utf8_lines[:max_lines])
            more = len(self.invalid_utf8_lines) - max_lines
            if more > 0:
                shown += f" and {more} more"
            parts.append(
                f"not valid UTF-8 on {len(self.invalid_utf8_lines)} line(s) ({shown}): "
                f"{self.invalid_utf8_bytes} invalid byte(s) read as latin-1 ({self.example}), "
                "the rows are kept and the rest of each line is unchanged"
            )
        if self.newlines_normalized:
            parts.append("mixed CRLF/LF line endings read as LF")
        return "; ".join(parts)


_fallback_state = threading.local()
_FALLBACK_HANDLER = "ccwh_ingest_latin1_fallback"


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each byte that is not valid UTF-8 becomes its latin-1 character.

    Lossless (the original byte is recoverable with ``.encode('latin-1')``) and local: valid
    UTF-8 elsewhere in the line, and in the file, stays as it was.
    """
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    _fallback_state.positions.append((err.start, bytes(bad)))
    return bad.decode("latin-1"), err.end


codecs.register_error(_FALLBACK_HANDLER, _latin1_fallback)


def write_repaired_copy(path: Path, dest: Path, scan: FileScan) -> RepairReport:
    """Write `path` to `dest` as valid UTF-8 with one kind of line ending; report what changed.

    Line structure is preserved exactly (latin-1 never produces a newline), so line numbers in
    the copy are the line numbers of the original file.
    """
    data = path.read_bytes()
    report = RepairReport()
    _fallback_state.positions = []
    try:
        text = data.decode("utf-8", errors=_FALLBACK_HANDLER)
        positions = _fallback_state.positions
    finally:
        _fallback_state.positions = []
    if positions:
        report.invalid_utf8_bytes = sum(len(b) for _, b in positions)
        first = positions[0][1]
        report.example = f"0x{first.hex().upper()} -> {first.decode('latin-1')!r}"
        line, last_pos, lines = 1, 0, []
        for pos, _ in positions:  # one step per invalid byte sequence, not per row
            line += data.count(b"\n", last_pos, pos)
            last_pos = pos
            if not lines or lines[-1] != line:
                lines.append(line)
        report.invalid_utf8_lines = lines
    if scan.mixed_newlines:
        text = text.replace("\r\n", "\n")
        report.newlines_normalized = True
    dest.write_text(text, encoding="utf-8", newline="")
    return report
