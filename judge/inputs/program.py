"""A submission as a program: one file or a folder of files, its language and its entry point (no Docker).

Spec 2025-09 "Programs" (and legacy): every program is a single file or a folder; a single file is treated as a
folder holding only that file. "Submissions": the language is submissions.yaml's ``language``, else the one the
files' extensions name (spec appendix/languages.md) -- if no single language can be determined, building fails;
the entry point is submissions.yaml's ``entrypoint``, else the language's default. problemtools
(problemtools/config/languages.yaml, "Language detection") counts the files of each language and breaks ties
by a priority; here a tie is an error naming the folder. The rules per language are data in runner.yaml
(``sources``, ``entrypoint``: judge.inputs.languages). Files other than sources (headers, data) travel along;
every file is written 0644, so nothing in a submission is ever made executable.
"""

import fnmatch
import hashlib
import io
import re
import tarfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from judge.errors import JudgeInputError
from judge.inputs.languages import Language, file_languages, known_extensions, language_for

# Spec "General Requirements" asks for ^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,253}[a-zA-Z0-9]$; a little more is allowed
# (x.c++, _helper.py), never a name that a compiler could read as an option or that leaves the folder.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
SKIPPED_PARTS = ("__pycache__",)


@dataclass(frozen=True)
class Program:
    path: Path  # the file or folder it came from
    language: str  # a Language name
    files: dict[str, bytes]  # relative POSIX name -> content: everything that goes into the box
    main: str  # the entry file ({source}); without an entry rule, the first source
    sources: tuple[str, ...]  # the files compiled together ({sources})
    entrypoint: str = ""  # the entry point the submission names ({entrypoint}), e.g. a Java class
    code_size: int = 0  # bytes of the submission's own files (the code limit's measure)

    @property
    def nested(self) -> bool:
        """Whether some file lives in a sub-folder (the box then needs folders)."""
        return any("/" in name for name in self.files)

    def tar(self) -> bytes:
        """The files as a tar: plain files, mode 0644, folders 0755."""
        return files_tar(self.files)


def _is_source(name: str, language: Language) -> bool:
    base = PurePosixPath(name).name
    return any(fnmatch.fnmatch(base.lower(), pattern.lower()) for pattern in language.source_patterns)


def _language_of(folder: Path, names: list[str], languages: dict[str, Language]) -> Language:
    """The language most of the files are written in (problemtools' rule; a tie is an error here)."""
    counts = dict.fromkeys(languages, 0)
    for name in names:
        for language in file_languages(name, languages):
            counts[language.name] += 1
    best = max(counts.values(), default=0)
    if best == 0:
        known = known_extensions(languages)
        raise JudgeInputError(f"{folder}: no source file of a known language (known: {known}); use --lang")
    tied = sorted(name for name, count in counts.items() if count == best)
    top = max(languages[name].priority for name in tied)  # languages sharing extensions (pypy3's .py): the first
    tied = [name for name in tied if languages[name].priority == top]
    if len(tied) > 1:
        raise JudgeInputError(
            f"{folder}: as many {' as '.join(tied)} files: cannot tell the language; use --lang "
            "(or submissions.yaml language)"
        )
    return languages[tied[0]]


def _read_folder(folder: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part in SKIPPED_PARTS for part in rel.parts) or not path.is_file():
            continue
        bad = next((part for part in rel.parts if not SAFE_NAME.match(part)), None)
        if bad is not None:
            raise JudgeInputError(f"{folder}: file name {rel.as_posix()!r} is not allowed (letters, digits, _ . + -)")
        try:
            files[rel.as_posix()] = path.read_bytes()
        except OSError as exc:
            raise JudgeInputError(f"{path}: cannot read the submission: {exc.strerror or exc}") from None
    return files


def _entry_file(folder: Path, files: dict[str, bytes], sources: tuple[str, ...], language: Language) -> str:
    """The language's entry rule: the first name it lists that exists, else the only source."""
    for template in language.entrypoint:
        name = template.format(folder=folder.stem)
        if name in files:
            return name
    if len(sources) == 1:
        return sources[0]
    wanted = ", ".join(dict.fromkeys(t.format(folder=folder.stem) for t in language.entrypoint))
    raise JudgeInputError(
        f"{folder}: no entry point: none of {wanted} and {len(sources)} {language.name} files; "
        "name one with --entrypoint (judge submit) or submissions.yaml entrypoint"
    )


def read_program(
    path: Path, languages: dict[str, Language], lang: str | None = None, entrypoint: str | None = None
) -> Program:
    """The submission at ``path`` (a file or a folder) as a program; bad input raises JudgeInputError."""
    if lang is not None and lang not in languages:
        raise JudgeInputError(f"{path}: unknown language '{lang}' (known: {', '.join(sorted(languages))})")
    if path.is_file():
        return _single_file(path, languages, lang, entrypoint)
    if not path.is_dir():
        raise JudgeInputError(f"{path}: no such file or folder")
    files = _read_folder(path)
    if not files:
        raise JudgeInputError(f"{path}: the submission folder is empty")
    language = languages[lang] if lang else _language_of(path, list(files), languages)
    sources = tuple(name for name in files if _is_source(name, language))
    if not sources:
        raise JudgeInputError(f"{path}: no {language.name} source file ({', '.join(language.source_patterns)})")
    given = entrypoint or ""
    if not language.entrypoint:  # everything compiles together; the compile step takes a named entry point
        main = sources[0]
    elif given:
        if given not in files:
            raise JudgeInputError(f"{path}: the entry point {given!r} is not a file of the submission")
        main, given = given, ""
    else:
        main = _entry_file(path, files, sources, language)
    size = sum(len(data) for data in files.values())
    return Program(path, language.name, files, main, sources, given, size)


def program_for(path: Path, language: Language, entrypoint: str | None = None) -> Program:
    """The submission at ``path`` in a language already decided (e.g. by ``program_language``)."""
    return read_program(path, {language.name: language}, language.name, entrypoint)


def program_language(
    path: Path, languages: dict[str, Language], lang: str | None = None, entrypoint: str | None = None
) -> Language:
    """The language of the submission at ``path``: a file's by its extension, a folder's by its files (read
    whole, so a folder without an entry point is an input error here, before anything is graded)."""
    if path.is_dir():
        return languages[read_program(path, languages, lang, entrypoint).language]
    return language_for(path, languages, lang)


def program_digest(path: Path, entrypoint: str | None = None) -> str:
    """A hash of the submission's files (names and contents) and entry point: the cache key's "source"."""
    digest = hashlib.sha256()
    if path.is_dir():
        for name, data in _read_folder(path).items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    else:
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            raise JudgeInputError(f"{path}: cannot read the submission: {exc.strerror or exc}") from None
    if entrypoint:
        digest.update(b"\0entrypoint\0" + entrypoint.encode())
    return digest.hexdigest()


def _single_file(path: Path, languages: dict[str, Language], lang: str | None, entrypoint: str | None) -> Program:
    language = language_for(path, languages, lang)
    try:
        code = path.read_bytes()
    except OSError as exc:
        raise JudgeInputError(f"{path}: cannot read the submission: {exc.strerror or exc}") from None
    name = box_name(path.name, code, language)
    given = (entrypoint or "") if not language.entrypoint else ""  # a single file is its own entry file
    return Program(path, language.name, {name: code}, name, (name,), given, len(code))


def box_name(name: str, code: bytes, language: Language) -> str:
    """The name a single-file submission gets in the box: the user's own, as the reference judges keep it (its
    extension selects a dialect: fixed-form Fortran ``.f``, an ES module ``.mjs``), unless the language names the
    file after its code (Java's public class, Erlang's module). A name a command could misread (a leading ``-``,
    spaces, characters beyond ASCII) becomes the runner's with the user's extension; a name without one of the
    language's extensions (``--lang``) the runner's."""
    named = language.named_source(code)
    if named:
        return named
    suffix = PurePosixPath(name).suffix
    if suffix[1:].lower() not in language.extensions:
        return language.source
    return name if SAFE_NAME.match(name) else PurePosixPath(language.source).stem + suffix


def included_files(package: Path, language_name: str) -> dict[str, bytes]:
    """A problem package's ``include/default/`` files, then ``include/<language_name>/``'s over them (spec
    2025-09 "Included Files": per-language files override the default)."""
    files: dict[str, bytes] = {}
    for sub in ("default", language_name):
        folder = package / "include" / sub
        if folder.is_dir():
            files.update(_read_folder(folder))
    return files


def with_included(program: Program, included: dict[str, bytes], language: Language) -> Program:
    """``program`` with a package's included files added. Spec 2025-09 "Included Files": copied in after the code
    limit is checked, overwriting the submission's files of the same name; an included driver has the language's
    entry name."""
    if not included:
        return program
    files = {**program.files, **included}
    sources = tuple(sorted(name for name in files if _is_source(name, language)))
    main = program.main
    for template in language.entrypoint:
        name = template.format(folder=program.path.stem)
        if name in included:
            main = name
            break
    if not language.entrypoint:
        main = sources[0] if sources else main
    return replace(program, files=files, sources=sources, main=main)


def files_tar(files: dict[str, bytes]) -> bytes:
    """Files (relative POSIX names) as a tar for the box: plain files, mode 0644, their folders 0755."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        folders: set[str] = set()
        for name in sorted(files):
            for parent in reversed(PurePosixPath(name).parents[:-1]):
                if str(parent) not in folders:
                    folders.add(str(parent))
                    info = tarfile.TarInfo(str(parent))
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(files[name]), 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()
