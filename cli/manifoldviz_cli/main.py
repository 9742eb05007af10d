"""The ``manifoldviz`` command group and the one place where errors become exit codes.

Library errors about the caller's input (``InvalidInputError``) are usage errors: one line
naming the parameter, exit 2. Other library errors are ``Error: ...``, exit 1. Ctrl-C exits 130
without a traceback; outputs are written atomically, so nothing half-written is left behind.
"""

from __future__ import annotations

import _thread
import errno
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

import click

from manifoldviz_cli.options import examples

#: Library parameters whose command-line option has another name; the rest are the parameter
#: with dashes (``index_a`` is ``--index-a``).
OPTION_NAMES = {
    "n_steps": "--steps",
    "n_seeds": "--seeds",
    "n_epochs": "--epochs",
    "n_pairs": "--pairs",
    "n_repeats": "--repeats",
    "n_points": "--points",
    "iterations": "--repetitions",
    "latent_dim": "--latent",
    "latent_dims": "--latents",
    "figure_format": "--format",
    "out_dir": "--out",
}


def option_for(param: str) -> str:
    """The command-line option a library parameter is given by (one table, here)."""
    return OPTION_NAMES.get(param, f"--{param.replace('_', '-')}")


class _CtrlC:
    """Ctrl-C that is never lost.

    Python raises KeyboardInterrupt wherever the main thread happens to be, and inside a
    finalizer (a weakref callback or ``__del__``, which garbage collection runs in the middle
    of anything, TensorFlow's objects having many) it is printed as "Exception ignored" with a
    traceback and then dropped: the command ran on to the end. Here a swallowed interrupt is
    kept off the terminal and raised again a moment later, outside the finalizer, until it
    reaches the command's boundary; after that, stray deliveries are ignored.
    """

    def __enter__(self) -> _CtrlC:
        self.active = True
        self.previous_hook = sys.unraisablehook
        sys.unraisablehook = self.unraisable
        signal.signal(signal.SIGINT, self.handler)
        return self

    def __exit__(self, *exc: object) -> None:
        self.active = False  # the handler stays, inert: a late re-delivery must not land
        sys.unraisablehook = self.previous_hook

    def handler(self, signum: int, frame: Any) -> None:
        if self.active:
            raise KeyboardInterrupt

    def unraisable(self, info: Any) -> None:
        if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
            if self.active:
                threading.Timer(0.05, _thread.interrupt_main).start()
            return
        self.previous_hook(info)


#: Each command's module and function: a command's module is imported only when it runs (or
#: when help lists every command), so a run does not pay for the others' imports.
COMMANDS = {
    "interpolate": ("interpolate_cmd", "interpolate"),
    "compare-paths": ("compare_cmd", "compare_paths"),
    "explore": ("explore_cmd", "explore"),
    "experiment": ("experiment_cmd", "experiment"),
    "manifold": ("manifold_cmd", "manifold"),
    "trajectory": ("trajectory_cmd", "trajectory"),
    "fitmorph": ("trajectory_cmd", "fitmorph"),
    "gallery": ("gallery_cmd", "gallery"),
    "cache": ("cache_cmd", "cache"),
    "data": ("data_cmd", "data"),
}


class ManifoldvizGroup(click.Group):
    """A click group that turns library errors into clean one-line messages and exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            import importlib

            module, name = COMMANDS[cmd_name]
            self.add_command(
                getattr(importlib.import_module(f"manifoldviz_cli.{module}"), name), cmd_name
            )
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            # Click (8.4+) suggests the closest command from those loaded; suggest from all.
            no_such = getattr(click.exceptions, "NoSuchCommand", None)
            if no_such is None or not isinstance(exc, no_such):
                raise
            raise no_such(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def invoke(self, ctx: click.Context) -> Any:
        from manifoldviz.errors import InvalidInputError, ManifoldvizError

        try:
            return super().invoke(ctx)
        except InvalidInputError as exc:
            hint = option_for(exc.param) if exc.param else None
            raise click.BadParameter(str(exc), ctx=ctx, param_hint=hint) from None
        except ManifoldvizError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                where = f" writing {exc.filename}" if exc.filename else ""
                raise click.ClickException(
                    f"disk full{where}: nothing was overwritten; free some space and retry"
                ) from None
            where = f": {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"{exc.strerror or exc}{where}") from None

    def main(  # type: ignore[override]  # one signature for click's two overloads
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            with _CtrlC():
                code = super().main(
                    args, prog_name or "manifoldviz", complete_var, standalone_mode=False, **extra
                )
        except click.UsageError as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Interrupted: no partial output was left behind.", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(
    cls=ManifoldvizGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=examples(
        "manifoldviz interpolate 3 8 --out morph.gif",
        "manifoldviz interpolate 1 7 --data ~/mnist.npz --strip strip.png --plot evidence.png",
        "manifoldviz experiment noise-channels --out results/noise",
        "manifoldviz data --data sample",
        "manifoldviz cache list",
    ),
)
@click.version_option(package_name="manifoldviz", prog_name="manifoldviz")
def cli() -> None:
    """See generalization in deep learning on MNIST: manifold interpolation and more.

    Trained models are cached (see 'manifoldviz cache list'); every output records the data
    source, seed and settings that produced it.
    """


def main() -> None:
    """Entry point for ``python -m manifoldviz``."""
    cli.main()
