"""Language runners as data: ``runners/<lang>/runner.yaml`` plus a Dockerfile, read into Language records.

runner.yaml keys: ``name``, ``extensions``, ``source`` (the file name a single-file submission gets in the box when
its own name will not do: judge.inputs.program.box_name), optional ``source_name_pattern`` (a regex whose group 1
names the source file's stem, over the user's name: Java's public class), ``compile`` and ``run``
(argument lists; placeholders {source} the entry file, {sources} every source file as separate arguments,
{entrypoint} the entry point a submission names, {stem}, {memory_mb}), ``version``, ``time_multiplier``,
``memory_extra`` (MiB added for runtimes such as the JVM), ``memory_error_pattern`` (stderr that means the
runtime ran out of memory), ``env``, ``image``. How a folder of files becomes a program (judge.inputs.program):
``sources`` (glob patterns of the files compiled together; default: the language's extensions) and
``entrypoint`` (names of the entry file tried in order, {folder} the submission folder's name; without it
there is no entry file: everything compiles together and the compiler or compile script decides).
``program_build``/``program_run``: this image also builds and runs folder programs that bring their own
``build``/``run`` scripts (validators, spec "Programs"). ``aliases``: other names the language answers to
(``--lang``, contest files, assignments); ``priority``: which language a file extension claimed by several means
(the highest; a tie is an error at use, as problemtools breaks ties by priority). ``shared_files``: file names of
the runners folder's ``_shared/`` that join the image's build context beside the Dockerfile (one copy of a file
several runners need, such as the JVM runners' compile-jvm.py). ``compile_checks_only``: the compile step only
checks the syntax and makes nothing the run needs (an online executor, which has no compile stage for the
language, skips it: judge.grading.execute).
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.settings import Settings
from judge.inputs.yamlfile import load_mapping, number
from judge.units import MIB

IMAGE_PREFIX = "judge/"
SHARED_FOLDER = "_shared"  # in a runners folder: files several runners' images are built with


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
    aliases: tuple[str, ...] = ()
    priority: int = 0
    shared_files: tuple[str, ...] = ()  # names in the runners folder's _shared/, copied into the build context
    compile_checks_only: bool = False  # the compile step only checks the syntax (it makes nothing the run needs)

    @property
    def source_patterns(self) -> tuple[str, ...]:
        return self.sources or tuple(f"*.{ext}" for ext in self.extensions)

    def source_name(self, code: bytes) -> str:
        """The runner's file name for ``code`` (Java: the public class's name), whatever the user called it."""
        return self.named_source(code) or self.source

    def named_source(self, code: bytes) -> str | None:
        """The file name ``code`` requires (``source_name_pattern``: Java's public class), or None."""
        if self.source_name_pattern:
            found = re.search(self.source_name_pattern.encode(), code, re.MULTILINE)
            if found:
                suffix = Path(self.source).suffix
                return found.group(1).decode("ascii", errors="replace") + suffix
        return None

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

    def build_files(self) -> dict[str, Path]:
        """The image's build context: each file's name in it and where it is read from (the folder but
        runner.yaml, then the shared files)."""
        files = {
            str(path.relative_to(self.folder)): path
            for path in sorted(self.folder.rglob("*"))
            if path.is_file() and path.name != "runner.yaml"
        }
        files.update((name, self.folder.parent / SHARED_FOLDER / name) for name in self.shared_files)
        return files

    def definition_hash(self) -> str:
        """A hash of what the image is built from (its build files): other contents are stale."""
        digest = hashlib.sha256()
        for name, path in sorted(self.build_files().items(), key=lambda item: self.folder / item[0]):
            digest.update(name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]


def _args(path: Path, data: dict[str, Any], key: str, *, required: bool = False) -> tuple[str, ...] | None:
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
        aliases=_aliases(path, data),
        priority=int(number(path, "priority", data.get("priority", 0), positive=False)),
        shared_files=_shared_files(path, data),
        compile_checks_only=_flag(path, data, "compile_checks_only"),
    )


def _flag(path: Path, data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise JudgeInputError(f"{path}: '{key}' must be true or false")
    return value


def _shared_files(path: Path, data: dict[str, Any]) -> tuple[str, ...]:
    value = data.get("shared_files") or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v and PurePosixPath(v).name == v for v in value):
        raise JudgeInputError(f"{path}: 'shared_files' must be a list of file names (in {SHARED_FOLDER}/)")
    for name in value:
        if not (path.parent.parent / SHARED_FOLDER / name).is_file():
            raise JudgeInputError(f"{path}: shared file {SHARED_FOLDER}/{name} not found")
    return tuple(value)


def _aliases(path: Path, data: dict[str, Any]) -> tuple[str, ...]:
    value = data.get("aliases") or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) and str(v).strip() for v in value):
        raise JudgeInputError(f"{path}: 'aliases' must be a list of names")
    return tuple(str(v).strip().lower() for v in value)


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


class Languages(dict[str, Language]):
    """The languages by name; looking one up also accepts an alias (``py`` -> python3). Iteration yields names.

    An alias that two languages claim (``pl``: Perl and Prolog) is an input error when it is used, naming both.
    The registry also answers which language a file is (``for_file``), remembering each extension's answer: a
    batch of thousands of files asks once per extension and language name.
    """

    def __init__(self, languages: dict[str, Language] | None = None) -> None:
        super().__init__(languages or {})
        self._by_extension: dict[str, list[Language]] = {}
        self._by_name: dict[str, Language] = {}

    @classmethod
    def of(cls, languages: dict[str, Language]) -> "Languages":
        """``languages`` as a registry: itself when it is one (its remembered answers kept), else a new one."""
        return languages if isinstance(languages, Languages) else cls(languages)

    def __setitem__(self, name: str, language: Language) -> None:
        super().__setitem__(name, language)
        self._by_extension, self._by_name = {}, {}  # (unpickling sets items before the attributes exist)

    def claims(self, name: str) -> list[Language]:
        """The languages ``name`` means: the one so named, else every one with that alias."""
        if dict.__contains__(self, name):
            return [dict.__getitem__(self, name)]
        lowered = name.strip().lower()
        if dict.__contains__(self, lowered):
            return [dict.__getitem__(self, lowered)]
        return [language for language in self.values() if lowered in language.aliases]

    def resolve(self, name: str, where: object = "") -> Language:
        """The language ``name`` (or an alias) means; unknown or ambiguous is an input error."""
        known = self._by_name.get(name)
        if known is not None:
            return known
        claimed = self.claims(name)
        prefix = f"{where}: " if where else ""
        if not claimed:
            raise JudgeInputError(f"{prefix}unknown language '{name}' (known: {', '.join(sorted(self))})")
        if len(claimed) > 1:
            both = " and ".join(f"{language.name} ({language.display})" for language in claimed)
            raise JudgeInputError(f"{prefix}'{name}' is ambiguous: it names {both}; use one of those names")
        self._by_name[name] = claimed[0]
        return claimed[0]

    def by_extension(self, name: str) -> list[Language]:
        """The languages a file name's extension means: those listing it, only the highest ``priority`` (two or
        more: a tie, which the caller reports). The one extension lookup: a file's language, a folder's count, a
        batch's filter all use it."""
        ext = extension(name)
        found = self._by_extension.get(ext)
        if found is None:
            claimed = [language for language in self.values() if ext in language.extensions]
            best = max((language.priority for language in claimed), default=0)
            found = self._by_extension[ext] = [language for language in claimed if language.priority == best]
        return found

    def for_file(self, source: Path, lang: str | None = None) -> Language:
        """The language of the file ``source``: ``lang`` (a name or alias) when given, else its extension's.
        Unknown, ambiguous or an extension two languages claim at the same priority is an input error."""
        if lang:
            return self.resolve(lang, source)
        top = self.by_extension(source.name)
        if len(top) > 1:
            names = " and ".join(language.name for language in top)
            raise JudgeInputError(
                f"{source}: the extension '{source.suffix.lower()}' is claimed by {names}; use --lang"
            )
        if top:
            return top[0]
        raise JudgeInputError(
            f"{source}: unknown file extension '{source.suffix or '(none)'}' (known: {known_extensions(self)}); "
            "use --lang"
        )

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.claims(name))

    def __getitem__(self, name: str) -> Language:
        if not self.claims(name):
            raise KeyError(name)
        return self.resolve(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default


def extension(name: str) -> str:
    """A file name's extension, lowered, without its dot: ``PurePosixPath(name).suffix`` (``''`` for ``.bashrc``
    or ``a.``) without building a path."""
    base = name.rpartition("/")[2]
    dot = base.rfind(".")
    return base[dot + 1 :].lower() if 0 < dot < len(base) - 1 else ""


def canonical_name(name: str, languages: dict[str, Language], where: object = "") -> str:
    """A language name or alias as the language's own name (input error when unknown or ambiguous)."""
    return Languages.of(languages).resolve(name, where).name


def load_languages(settings: Settings) -> Languages:
    """Every runner folder of ``runners_dir`` (a list: searched in order, the first folder naming a language wins)."""
    languages = Languages()
    for folder in settings.runner_folders:
        if not folder.is_dir():
            raise JudgeInputError(f"{folder}: runners folder not found")
        for sub in sorted(p for p in folder.iterdir() if (p / "runner.yaml").is_file()):
            language = load_language(sub)
            if not dict.__contains__(languages, language.name):
                languages[language.name] = language
    return languages


def language_for(source: Path, languages: dict[str, Language], lang: str | None = None) -> Language:
    """The language of the file ``source`` (``Languages.for_file``)."""
    return Languages.of(languages).for_file(source, lang)


def file_languages(name: str, languages: dict[str, Language]) -> list[Language]:
    """The languages a file name's extension means (``Languages.by_extension``)."""
    return Languages.of(languages).by_extension(name)


def known_extensions(languages: dict[str, Language]) -> str:
    """Every extension of ``languages``, for messages: ``.c, .cpp, ...``."""
    return ", ".join(sorted({f".{e}" for language in languages.values() for e in language.extensions}))
