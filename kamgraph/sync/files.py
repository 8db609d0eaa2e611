"""Reading and writing record files one record at a time (CSV with a header row, or JSON lines), and a
progress bar on stderr for long runs."""

from __future__ import annotations

import csv
import json
import sys
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


def read_records(lines: ByteCounter, fmt: str) -> tuple[list[str] | None, Iterator[tuple[int, dict[str, Any] | str]]]:
    """The CSV header (None for JSON lines), and (line number, record) pairs, lazily; a line that cannot be
    read at all comes as (line, reason)."""
    if fmt == "csv":
        reader = csv.DictReader(iter(lines))
        header = list(reader.fieldnames or [])

        def rows() -> Iterator[tuple[int, dict[str, Any] | str]]:
            for record in reader:
                if None in record:
                    yield reader.line_num, f"more values than the {len(header)} columns of the header"
                else:
                    yield reader.line_num, record

        return header, rows()
    return None, _json_lines(lines)


def _json_lines(lines: ByteCounter) -> Iterator[tuple[int, dict[str, Any] | str]]:
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
            self.csv.writerow({k: _cell(v) for k, v in record.items()})
        else:
            self.out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _cell(value: Any) -> Any:
    """A CSV cell: nothing for None; a schedule as the text ``schedule`` reads back."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(f"{item['dueOn']} {item['amount']}" for item in value)
    return value


class Progress:
    """A progress bar on stderr (rich), for a terminal only: in a pipe or a log it stays silent."""

    def __init__(self, label: str, stream: IO[str] | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        console = Console(file=stream or sys.stderr)
        self.bar = Bar(
            TextColumn(label),
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[detail]}"),
            console=console,
            disable=not console.is_terminal,
        )
        self.task = self.bar.add_task(label, total=1.0, detail="")
        self.bar.start()

    def update(self, share: float, detail: str) -> None:
        self.bar.update(self.task, completed=min(share, 1.0), detail=detail)

    def finish(self) -> None:
        self.bar.stop()


def open_output(path: str | None) -> IO[str]:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout
