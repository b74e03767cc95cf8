"""``judge runners list|build``: the languages of the runner folders (judge.yaml ``runners_dir``) and their images."""

import json
import os
from concurrent.futures import ThreadPoolExecutor

import click

from judge.cli.app import App, pass_app
from judge.cli.tables import language_lines
from judge.errors import JudgeFailure
from judge.inputs.languages import Languages
from judge.sandbox import images, launcher

BUILD_TIMEOUT = 1800  # seconds: the HTTP timeout of the engine client while images build
DEFAULT_JOBS = min(4, os.cpu_count() or 1)  # builds mostly wait for downloads and unpacking: one per core, up to 4


@click.group()
def runners() -> None:
    """The language runners (runners/<lang>/, and judge.yaml's runners_dir folders)."""


@runners.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def list_runners(app: App, fmt: str) -> None:
    """Languages, their aliases, extensions, versions, commands and image status."""
    languages = app.languages
    try:
        client = app.client
    except JudgeFailure:
        client = None
    rows = []
    for language in languages.values():
        status = images.image_status(client, language) if client else "engine unreachable"
        version = (images.image_labels(client, language.image) or {}).get("judge.version") if client else None
        if fmt == "json":
            size = images.image_size(client, language) if client else None
            rows.append(
                {
                    "name": language.name,
                    "display": language.display,
                    "aliases": list(language.aliases),
                    "extensions": list(language.extensions),
                    "version": version or None,
                    "image": language.image,
                    "size": size,
                    "built": status == "ready",
                    "status": status,
                    "folder": str(language.folder),
                }
            )
            continue
        lines = language_lines(language, status, version)
        if language.aliases:
            lines.insert(1, f"{'':<10} aliases: {', '.join(language.aliases)}")
        click.echo("\n".join(lines))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))


@runners.command("build")
@click.argument("langs", nargs=-1)
@click.option("--force", is_flag=True, help="Rebuild even when the image is up to date.")
@click.option("--quiet", "-q", is_flag=True, help="Only say what is built (nothing for up-to-date images).")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=DEFAULT_JOBS, show_default=True, help="Images built at once."
)
@pass_app
def build(app: App, langs: tuple[str, ...], force: bool, quiet: bool, jobs: int) -> None:
    """Build the base image (pulled, or bootstrapped offline) and the runner images (LANGS: names or aliases;
    default: every runner), JOBS at a time once the base is there."""
    found = Languages(app.languages)
    chosen = [found.resolve(lang, "judge runners build") for lang in langs] if langs else list(found.values())
    client = app.connect(timeout=BUILD_TIMEOUT)

    def log(line: str, detail: bool = False) -> None:
        if not (quiet and detail):
            click.echo(line, err=True)

    images.ensure_base(client, app.settings, log)
    if launcher.cached(app.settings) is None:
        log("building the launcher (tests are spawned through it) ...")
        launcher.ensure(client, app.settings)
    unique = list({language.name: language for language in chosen}.values())
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="judge-build") as pool:
        builds = [
            pool.submit(images.build_image, client, language, app.settings, log, force=force) for language in unique
        ]
    for done in builds:  # every build has ended (the pool waited): the first failure, if any, is the error
        done.result()
