"""Language runners as data: ``runners/<lang>/runner.yaml`` plus a Dockerfile, read into Language records.

runner.yaml keys: ``name``, ``extensions``, ``source`` (the file name a single-file submission gets in the box),
optional ``source_name_pattern`` (a regex whose group 1 names the source file's stem), ``compile`` and ``run``
(argument lists; placeholders {source} the entry file, {sources} every source file as separate arguments,
{entrypoint} the entry point a submission names, {stem}, {memory_mb}), ``version``, ``time_multiplier``,
``memory_extra`` (MiB added for runtimes such as the JVM), ``memory_error_pattern`` (stderr that means the
runtime ran out of memory), ``env``, ``image``. How a folder of files becomes a program (judge.inputs.program):
``sources`` (glob patterns of the files compiled together; default: the language's extensions) and
``entrypoint`` (names of the entry file tried in order, {folder} the submission folder's name; without it
there is no entry file: everything compiles together and the compiler or compile script decides).
``program_build``/``program_run``: this image also builds and runs folder programs that bring their own
``build``/``run`` scripts (validators, spec "Programs").
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.settings import Settings
from judge.inputs.yamlfile import load_mapping, number
from judge.units import MIB

IMAGE_PREFIX = "judge/"


@dataclass(frozen=True)
class Language:
    name: str
    folder: Path
    extensions: tuple[str, ...]
    source: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    version: tuple[str, ...] | None = None
    display: str = ""
    source_name_pattern: str | None = None
    time_multiplier: float = 1.0
    memory_extra: int = 0  # bytes
    memory_error_pattern: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    image: str = ""
    sources: tuple[str, ...] = ()  # glob patterns; () means "*.<extension>" for each extension
    entrypoint: tuple[str, ...] = ()  # entry file names tried in order; () means no entry file
    program_build: tuple[str, ...] | None = None
    program_run: tuple[str, ...] | None = None

    @property
    def source_patterns(self) -> tuple[str, ...]:
        return self.sources or tuple(f"*.{ext}" for ext in self.extensions)

    def source_name(self, code: bytes) -> str:
        """The file name the source gets in the box (Java: the public class's name)."""
        if self.source_name_pattern:
            found = re.search(self.source_name_pattern.encode(), code, re.MULTILINE)
            if found:
                suffix = Path(self.source).suffix
                return found.group(1).decode("ascii", errors="replace") + suffix
        return self.source

    def command(
        self, template: tuple[str, ...], source: str, memory: int, sources: tuple[str, ...] = (), entrypoint: str = ""
    ) -> list[str]:
        """``template`` filled in; an argument that is exactly {sources} becomes one argument per source file."""
        values = {
            "source": source,
            "stem": Path(source).stem,
            "memory_mb": str(memory // MIB),
            "entrypoint": entrypoint,
        }
        cmd: list[str] = []
        for part in template:
            if part == "{sources}":
                cmd.extend(sources or (source,))
            else:
                cmd.append(part.format(**values))
        return cmd

    def definition_hash(self) -> str:
        """A hash of what the image is built from (the folder but runner.yaml): other contents are stale."""
        digest = hashlib.sha256()
        for path in sorted(self.folder.rglob("*")):
            if path.is_file() and path.name != "runner.yaml":
                digest.update(str(path.relative_to(self.folder)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]


def _args(path: Path, data: dict[str, Any], key: str, required: bool = False) -> tuple[str, ...] | None:
    value = data.get(key)
    if value is None:
        if required:
            raise JudgeInputError(f"{path}: '{key}' is missing")
        return None
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not value or not all(isinstance(v, str | int | float) for v in value):
        raise JudgeInputError(f"{path}: '{key}' must be a non-empty list of arguments")
    return tuple(str(v) for v in value)


def load_language(folder: Path) -> Language:
    path = folder / "runner.yaml"
    data = load_mapping(path)
    name = str(data.get("name") or folder.name)
    extensions = data.get("extensions") or []
    if isinstance(extensions, str):
        extensions = [extensions]
    if not isinstance(extensions, list) or not extensions:
        raise JudgeInputError(f"{path}: 'extensions' must be a non-empty list")
    env = data.get("env") or {}
    if not isinstance(env, dict):
        raise JudgeInputError(f"{path}: 'env' must be a mapping")
    pattern = data.get("source_name_pattern")
    for regex in (pattern, data.get("memory_error_pattern")):
        if regex is not None:
            try:
                re.compile(str(regex))
            except re.error as exc:
                raise JudgeInputError(f"{path}: bad regular expression {regex!r}: {exc}") from None
    return Language(
        name=name,
        folder=folder,
        extensions=tuple(str(e).lstrip(".").lower() for e in extensions),
        source=str(data.get("source") or f"main.{str(extensions[0]).lstrip('.')}"),
        run=_args(path, data, "run", required=True) or (),
        compile=_args(path, data, "compile"),
        version=_args(path, data, "version"),
        display=str(data.get("display") or name),
        source_name_pattern=str(pattern) if pattern else None,
        time_multiplier=number(path, "time_multiplier", data.get("time_multiplier", 1.0)),
        memory_extra=int(number(path, "memory_extra", data.get("memory_extra", 0), positive=False) * MIB),
        memory_error_pattern=data.get("memory_error_pattern"),
        env={str(k): str(v) for k, v in env.items()},
        image=str(data.get("image") or f"{IMAGE_PREFIX}{name}:latest"),
        sources=_names(path, data, "sources"),
        entrypoint=_names(path, data, "entrypoint"),
        program_build=_args(path, data, "program_build"),
        program_run=_args(path, data, "program_run"),
    )


def _names(path: Path, data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise JudgeInputError(f"{path}: '{key}' must be a file name (pattern) or a list of them")
    try:
        for name in value:
            name.format(folder="x")
    except (KeyError, IndexError, ValueError):
        raise JudgeInputError(f"{path}: '{key}' may use only the placeholder {{folder}}") from None
    return tuple(value)


def load_languages(settings: Settings) -> dict[str, Language]:
    folder = settings.runners_dir
    if not folder.is_dir():
        raise JudgeInputError(f"{folder}: runners folder not found")
    languages = {}
    for sub in sorted(p for p in folder.iterdir() if (p / "runner.yaml").is_file()):
        language = load_language(sub)
        languages[language.name] = language
    return languages


def language_for(source: Path, languages: dict[str, Language], lang: str | None = None) -> Language:
    if lang:
        if lang not in languages:
            raise JudgeInputError(f"{source}: unknown language '{lang}' (known: {', '.join(sorted(languages))})")
        return languages[lang]
    ext = source.suffix.lstrip(".").lower()
    for language in languages.values():
        if ext in language.extensions:
            return language
    known = ", ".join(sorted({f".{e}" for r in languages.values() for e in r.extensions}))
    raise JudgeInputError(
        f"{source}: unknown file extension '{source.suffix or '(none)'}' (known: {known}); use --lang"
    )
