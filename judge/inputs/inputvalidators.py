"""A package's input validators and the arguments each gets for each test case (run nothing: the verifier runs them).

Spec 2025-09 "Input validators" (legacy.md the same, plus the deprecated folder ``input_format_validators/``): every
file or folder directly in ``input_validators/`` is one validator (spec "Programs": its name is the file's base name
or the folder's name; two of one name are an error); ``.viva`` and ``.ctd`` validators are named, and reported as
unsupported by the judge. Invocation: ``<program> [input_validator_args] [test args] < tc.in``.

Arguments (2025-09 "Test case configuration", "Test data configuration"): ``input_validator_args`` is a sequence
(for every validator) or a map from a validator's name to a sequence (a validator not named gets none); a test's
``.yaml`` replaces its group's, a group's ``test_group.yaml`` its parent's, up to ``data/``. Legacy ("Test data
groups"): ``input_validator_flags`` in ``testdata.yaml``, a string (shell words, for every validator) or a map
``{name, flags}``, inherited transitively. The test's own ``args`` (2025-09) follow.
"""

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.findings import Finding
from judge.inputs.testdata import GROUP_FILES
from judge.inputs.yamlfile import load_mapping

FOLDERS = ("input_validators", "input_format_validators")  # the second: legacy, deprecated
ANSWER_FOLDER = "answer_validators"  # BAPCtools' extension (not the spec): programs that judge each .ans
UNSUPPORTED = {".viva": "VIVA", ".ctd": "Checktestdata"}
PART = "validators"


@dataclass(frozen=True)
class InputValidator:
    name: str  # the program's name: a file's base name, a folder's name
    path: Path  # the file or folder
    kind: str = "program"  # program, viva, ctd

    @property
    def supported(self) -> bool:
        return self.kind == "program"


def _name(path: Path) -> str:
    return path.name if path.is_dir() else path.stem


def find_answer_validators(package: Path) -> tuple[list[InputValidator], list[Finding]]:
    """The package's answer validators (BAPCtools' ``answer_validators/``, an extension: ``<program> tc.in
    [output_validator_args] < tc.ans``, 42 valid, 43 invalid), found and reported as input validators are; none is
    no finding."""
    if not (package / ANSWER_FOLDER).is_dir():
        return [], []
    return find_input_validators(package, (ANSWER_FOLDER,), what="answer validator")


def find_input_validators(
    package: Path, folders: tuple[str, ...] = FOLDERS, *, what: str = "input validator"
) -> tuple[list[InputValidator], list[Finding]]:
    """The package's input validators, and findings about them (a deprecated folder, unsupported formats, two
    validators of one name, none at all)."""
    found: list[InputValidator] = []
    findings: list[Finding] = []
    for folder_name in folders:
        folder = package / folder_name
        if not folder.is_dir():
            continue
        if folder_name == FOLDERS[1]:
            findings.append(Finding.warning(PART, folder_name, "deprecated folder name: input_validators/"))
        for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
            kind = path.suffix[1:] if path.is_file() and path.suffix in UNSUPPORTED else "program"
            found.append(InputValidator(_name(path), path, kind))
            if kind != "program":
                findings.append(
                    Finding.warning(
                        PART, f"{folder_name}/{path.name}", f"{UNSUPPORTED[path.suffix]} validators are not supported"
                    )
                )
    names: dict[str, InputValidator] = {}
    for validator in found:
        if validator.name in names:
            other = names[validator.name].path.relative_to(package).as_posix()
            findings.append(
                Finding.error(
                    PART,
                    validator.path.relative_to(package).as_posix(),
                    f"a second {what} named {validator.name!r} (also {other})",
                )
            )
        names.setdefault(validator.name, validator)
    if not found:
        findings.append(Finding.warning(PART, "", "no input validators: the inputs are not validated"))
    return found, findings


Arguments = tuple[str, ...] | dict[str, tuple[str, ...]]  # for every validator, or by validator name


def string_sequence(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise JudgeInputError(f"{path}: '{key}' must be a sequence of strings")
    return tuple(str(v) for v in value)


def parse_arguments(path: Path, value: Any) -> Arguments:
    """2025-09 ``input_validator_args``: a sequence, or a map from a validator's name to a sequence."""
    if isinstance(value, dict):
        return {str(name): string_sequence(path, f"input_validator_args.{name}", args) for name, args in value.items()}
    return string_sequence(path, "input_validator_args", value)


def parse_legacy_flags(path: Path, value: Any) -> Arguments:
    """Legacy ``input_validator_flags``: a string of shell words, or a map with ``name`` and ``flags``."""
    try:
        if isinstance(value, str):
            return tuple(shlex.split(value))
        if isinstance(value, dict) and isinstance(value.get("name"), str) and isinstance(value.get("flags", ""), str):
            return {value["name"]: tuple(shlex.split(value.get("flags", "")))}
    except ValueError as exc:
        raise JudgeInputError(f"{path}: 'input_validator_flags': {exc}") from None
    raise JudgeInputError(f"{path}: 'input_validator_flags' must be a string or a map with 'name' and 'flags'")


def for_validator(arguments: Arguments, name: str) -> tuple[str, ...]:
    """What one validator gets of ``arguments``."""
    return arguments.get(name, ()) if isinstance(arguments, dict) else arguments


def inherited_value(folder: Path, data: Path, key: str) -> tuple[Path, Any] | None:
    """(the file, its value) of the nearest group file from ``folder`` up to data/ that gives ``key``."""
    parts = folder.relative_to(data).parts
    for here in [data / Path(*parts[:depth]) for depth in range(len(parts), -1, -1)]:
        path = next((here / name for name in GROUP_FILES if (here / name).is_file()), None)
        if path is not None:
            config = load_mapping(path)
            if config.get(key) is not None:
                return path, config[key]
    return None


def case_arguments(input_file: Path, data: Path, *, legacy: bool) -> tuple[Arguments, tuple[str, ...]]:
    """(the input validator arguments, the test's own ``args``) for the test whose input is ``input_file`` under
    ``data``: its ``.yaml``'s (2025-09), else its nearest group's that gives them."""
    if legacy:
        found = inherited_value(input_file.parent, data, "input_validator_flags")
        return (parse_legacy_flags(*found) if found else ()), ()
    values = load_mapping(input_file.with_suffix(".yaml"), missing_ok=True)
    config = input_file.with_suffix(".yaml")
    given = (config, values["input_validator_args"]) if values.get("input_validator_args") is not None else None
    found = given or inherited_value(input_file.parent, data, "input_validator_args")
    arguments = parse_arguments(*found) if found else ()
    given = (config, values["args"]) if values.get("args") is not None else None
    found = given or inherited_value(input_file.parent, data, "args")
    return arguments, (string_sequence(found[0], "args", found[1]) if found else ())


def command_arguments(validator: InputValidator, input_file: Path, data: Path, *, legacy: bool) -> tuple[str, ...]:
    """The arguments ``validator`` is run with on ``input_file``: its input_validator_args, then the test's args."""
    arguments, args = case_arguments(input_file, data, legacy=legacy)
    return for_validator(arguments, validator.name) + args
