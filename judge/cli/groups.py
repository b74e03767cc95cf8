"""Click group classes: the root group that turns judge errors into one line and an exit code, and a group that
runs a default command when its first argument names no subcommand (``judge rescore FOLDER`` next to
``judge rescore apply SET``)."""

from typing import Any

import click

from judge.cli.interrupt import stopping_on_interrupt
from judge.errors import JudgeFailure, JudgeInputError
from judge.report.outcome import ExitCode


class JudgeGroup(click.Group):
    """Turns the judge's own errors into one line on stderr and their exit code (2 bad input, 3 judge failure);
    Ctrl-C stops at once with 130 (judge.cli.interrupt)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with stopping_on_interrupt():
                return super().invoke(ctx)
        except (JudgeInputError, JudgeFailure) as exc:
            kind = "error" if isinstance(exc, JudgeInputError) else "judge error"
            click.echo(f"judge: {kind}: {exc}", err=True)
            ctx.exit(ExitCode(exc.exit_code))


class _DefaultContext(click.Context):
    """The default command speaks under its group's name: ``Usage: judge rescore ...``, ``Try 'judge rescore -h'``."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class DefaultCommand(click.Command):
    """The command a DefaultGroup runs when its first argument is no subcommand name; hidden from its listing."""

    context_class = _DefaultContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden = True


class DefaultGroup(click.Group):
    """A group whose arguments go to its ``default`` command unless the first one names a subcommand.

    Its help shows the default command's options next to the subcommands.
    """

    def __init__(self, *args: Any, default: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in ctx.help_option_names:
            return super().parse_args(ctx, args)
        at = self._first_word(args)
        if at is not None and args[at] in self.commands and args[at] != self.default:
            args = [args[at], *args[:at], *args[at + 1 :]]  # options may come before the subcommand's name
        else:  # the default command is never chosen by name: a folder may be called like it
            args = [self.default, *args]
        return super().parse_args(ctx, args)

    def _first_word(self, args: list[str]) -> int | None:
        """Where the first argument that is no option (nor an option's value) is."""
        valued = {
            name
            for command in self.commands.values()
            for param in command.params
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for name in param.opts
        }
        at = 0
        while at < len(args):
            if args[at] == "--":  # what follows is the default command's, even a folder called "apply"
                return None
            if not args[at].startswith("-") or args[at] == "-":
                return at
            at += 2 if args[at] in valued else 1
        return None

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.commands[self.default].format_options(ctx, formatter)
        self.format_commands(ctx, formatter)
