"""Reading and writing record files one record at a time (CSV with a header row, or JSON lines), and a
progress line on stderr for long runs."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

FORMATS = ("csv", "jsonl")


def format_of(path: Path, given: str | None) -> str:
    fmt = given or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot tell the format of {path.name}: say --format csv or --format jsonl")
    return fmt


class ByteCounter:
    """The lines of a binary file as text, counting the bytes read (for the progress line)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.stream:
            self.read += len(line)
            yield line.decode("utf-8-sig" if self.read == len(line) else "utf-8")


def read_records(lines: ByteCounter, fmt: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, record) pairs, lazily; a line that cannot be read at all comes as (line, reason)."""
    if fmt == "csv":
        reader = csv.DictReader(iter(lines))
        for record in reader:
            if None in record:
                yield reader.line_num, f"more values than the {len(reader.fieldnames or ())} columns of the header"
            else:
                yield reader.line_num, record
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not JSON: {exc.msg}"
            continue
        yield (number, record) if isinstance(record, dict) else (number, "each line is one JSON object")


class RecordWriter:
    def __init__(self, out: IO[str], fmt: str, columns: list[str]) -> None:
        self.out, self.fmt = out, fmt
        self.csv = csv.DictWriter(out, columns, lineterminator="\n") if fmt == "csv" else None
        if self.csv:
            self.csv.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        if self.csv:
            self.csv.writerow({k: "" if v is None else v for k, v in record.items()})
        else:
            self.out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


class Progress:
    """``label [#####.....]  52 %  12,000 rows ...`` redrawn in place on a terminal at most every half
    second; elsewhere one plain line every ten seconds. Quiet for runs that end within two seconds."""

    def __init__(self, label: str, stream: IO[str] = sys.stderr) -> None:
        self.label, self.stream = label, stream
        self.started = self.shown = time.monotonic()
        self.tty = stream.isatty()
        self.drawn = False

    def update(self, share: float, detail: str) -> None:
        now = time.monotonic()
        if now - self.started < 2 or now - self.shown < (0.5 if self.tty else 10):
            return
        self.shown = now
        filled = int(30 * min(share, 1.0))
        line = f"{self.label} [{'#' * filled}{'.' * (30 - filled)}] {100 * min(share, 1.0):3.0f} %  {detail}"
        self.stream.write(f"\r{line}\033[K" if self.tty else line + "\n")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn and self.tty:
            self.stream.write("\n")


def open_output(path: str | None) -> IO[str]:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout
