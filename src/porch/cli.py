"""porch's command line: check comments, train and measure the engine, run the service.

Commands that only need the engine (`check`, `train`, `eval`, `backtest`) import nothing of the
server, so `porch check` starts fast; the service commands (`serve`, `site`, …) are registered by
porch.server.cli, which keeps its heavy imports inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(
    help="porch: self-hosted comments with a spam filter that learns and explains.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOption = typer.Option(
    None, "--model", help="Model file to use instead of the one that ships with porch."
)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def load_engine(model: Path | None):
    from .engine import Engine, ModelError

    try:
        return Engine.from_file(model)
    except ModelError as exc:
        raise fail(str(exc)) from None


@app.command()
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
    from .engine.stream import check_stream, dumps
    from .engine.submission import Submission

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


def _register_subcommands() -> None:
    from . import evaluate_cli
    from .server.cli import register

    evaluate_cli.register(app)
    register(app)


_register_subcommands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
