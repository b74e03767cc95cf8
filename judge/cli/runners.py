"""``judge runners list|build``: the languages of runners/ and their images."""

import click

from judge.cli.app import App, pass_app
from judge.cli.tables import language_lines
from judge.errors import JudgeFailure, JudgeInputError
from judge.sandbox import images

BUILD_TIMEOUT = 1800  # seconds: the HTTP timeout of the engine client while images build


@click.group()
def runners() -> None:
    """The language runners (runners/<lang>/)."""


@runners.command("list")
@pass_app
def list_runners(app: App) -> None:
    """Languages, their extensions, commands and image status."""
    languages = app.languages
    try:
        client = app.client
    except JudgeFailure:
        client = None
    for language in languages.values():
        status = images.image_status(client, language) if client else "engine unreachable"
        version = (images.image_labels(client, language.image) or {}).get("judge.version") if client else None
        click.echo("\n".join(language_lines(language, status, version)))


@runners.command("build")
@click.argument("langs", nargs=-1)
@click.option("--force", is_flag=True, help="Rebuild even when the image is up to date.")
@click.option("--quiet", "-q", is_flag=True, help="Only say what is built.")
@pass_app
def build(app: App, langs: tuple[str, ...], force: bool, quiet: bool) -> None:
    """Build the base image (pulled, or bootstrapped offline) and the runner images."""
    found = app.languages
    unknown = [lang for lang in langs if lang not in found]
    if unknown:
        raise JudgeInputError(
            f"{app.settings.runners_dir}: no runner named {', '.join(unknown)} (known: {', '.join(found)})"
        )
    client = app.connect(timeout=BUILD_TIMEOUT)

    def log(line: str, detail: bool = False) -> None:
        if not (quiet and detail):
            click.echo(line, err=True)

    images.ensure_base(client, app.settings, log)
    for name in langs or tuple(found):
        images.build_image(client, found[name], app.settings, log, force=force)
