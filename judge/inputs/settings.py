"""Settings from judge.yaml: default limits, compile limits, sandbox knobs and where problems/runners live.

Found as $JUDGE_CONFIG, else judge.yaml in the current folder or a parent, else the one shipped with
judge. Values a file leaves out come from the shipped defaults; a folder left out (``problems_dir``,
``runners_dir``) is the default name beside the file if that folder exists there, else the shipped one.
Every key is checked (unknown keys with a "did you mean", types, ranges): a mistake is one line naming the file.
"""

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.yamlfile import load_mapping, number
from judge.units import KIB, MIB

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # judge/
# An editable install reads the repository's files; a wheel carries copies in judge/_data.
SHIPPED_DIR = PACKAGE_DIR / "_data" if (PACKAGE_DIR / "_data").is_dir() else PACKAGE_DIR.parent


@dataclass(frozen=True)
class Timing:
    """judge.yaml ``timing``: how CPU time near the limit is measured (DOMjudge's overshoot, borderline re-runs,
    the fleet's speed factor, the cores gradings are pinned to)."""

    time_multiplier: float = 1.0  # every problem's time limit x this (a slower or faster grading fleet)
    overshoot_extra: float = 1.0  # a TLE test runs on to limit + max(overshoot_extra, limit x overshoot_factor)
    overshoot_factor: float = 0.10
    band: float = 0.10  # a test whose CPU time is within limit x (1 +- band) is run again ...
    reruns: int = 3  # ... up to this many times; its verdict uses the minimum
    cores: tuple[int, ...] | None = None  # the CPUs gradings are pinned to (None: every CPU judge may use)

    def hard_limit(self, time_limit: float) -> float:
        """Where a test over ``time_limit`` is stopped, so its real CPU time is known (DOMjudge: overshoot)."""
        return time_limit + max(self.overshoot_extra, time_limit * self.overshoot_factor)

    def borderline(self, cpu: float, time_limit: float) -> bool:
        """Whether ``cpu`` seconds is near enough ``time_limit`` to be measured again."""
        return abs(cpu - time_limit) <= time_limit * self.band + 1e-9


@dataclass(frozen=True)
class Settings:
    path: Path | None
    problems_dir: Path
    runners_dir: Path
    time: float
    memory: int
    output: int
    code: int
    wall_multiplier: float
    wall_extra: float
    validation_time: float
    validation_memory: int
    derive_cap: float
    compile_time: float
    compile_memory: int
    compile_output: int
    uid: int
    pids: int
    cpus: float
    tmp_size: int
    box_size: int
    log_max_size: str
    base_tag: str
    base_pull: str
    base_suite: str
    assignments: tuple[dict[str, Any], ...] = ()
    timing: Timing = Timing()
    runners_dirs: tuple[Path, ...] = ()  # every runner folder, searched in order (runners_dir is the first)

    @property
    def runner_folders(self) -> tuple[Path, ...]:
        """The runner folders searched in order: judge.yaml's ``runners_dir`` list, then the shipped runners."""
        return self.runners_dirs or (self.runners_dir,)

    @property
    def cache_dir(self) -> Path:
        """Where compiled validators and derived time limits are kept ($JUDGE_CACHE, else the XDG cache)."""
        env = os.environ.get("JUDGE_CACHE")
        if env:
            return Path(env)
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "judge"

    def wall_limit(self, time_limit: float) -> float:
        """The wall-clock cap of a test whose CPU limit is ``time_limit``."""
        return time_limit * self.wall_multiplier + self.wall_extra


def cpu_mistake(settings: Settings, engine_cpus: int, engine: str = "the Docker engine") -> str | None:
    """What in judge.yaml asks for CPUs the engine does not have (``timing.cores``, ``sandbox.cpus``), or None."""
    where = settings.path or "judge.yaml"
    missing = [core for core in settings.timing.cores or () if core >= engine_cpus]
    if missing:
        return f"{where}: 'timing.cores' names CPU {missing[0]}, but {engine} has CPUs 0-{engine_cpus - 1} only"
    if settings.cpus > engine_cpus:
        return f"{where}: 'sandbox.cpus' is {settings.cpus:g}, but {engine} has {engine_cpus} CPUs"
    return None


def find_config(start: Path | None = None) -> Path:
    env = os.environ.get("JUDGE_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise JudgeInputError(f"{path}: file not found (from $JUDGE_CONFIG)")
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "judge.yaml").is_file():
            return folder / "judge.yaml"
    return SHIPPED_DIR / "judge.yaml"


# The keys judge.yaml may set, per section (None: a top-level value rather than a section).
KEYS: dict[str, tuple[str, ...] | None] = {
    "problems_dir": None,
    "runners_dir": None,
    "assignments": None,
    "limits": (
        "time",
        "memory",
        "output",
        "code",
        "wall_multiplier",
        "wall_extra",
        "validation_time",
        "validation_memory",
        "derive_cap",
    ),
    "compile": ("time", "memory", "output"),
    "sandbox": ("uid", "pids", "cpus", "tmp_size", "box_size", "log_max_size"),
    "timing": tuple(Timing.__dataclass_fields__),
    "base_image": ("tag", "pull", "suite"),
}
ASSIGNMENT_KEYS = ("files", "problem", "points")
MIN_PIDS = 4  # the agent (PID 1), the test's process, a compiler's driver and the pass it runs
LOG_SIZE = re.compile(r"^[1-9][0-9]*[kmg]?$")  # Docker's json-file max-size: 1m, 512k


def _unknown(path: Path, keys: Any, known: tuple[str, ...], where: str) -> None:
    """An unknown key is a one-line error, with the known key it is closest to."""
    for key in keys:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean '{where}{close[0]}'?)" if close else f" (known: {', '.join(known)})"
            raise JudgeInputError(f"{path}: unknown key '{where}{key}'{hint}")


def check_keys(path: Path, data: dict[str, Any]) -> None:
    """Every key of judge.yaml is one judge reads: a typo (``limitz``, ``limits.tme``) is an error, not ignored."""
    _unknown(path, data, tuple(KEYS), "")
    for section, keys in KEYS.items():
        if keys is not None and section in data:
            _unknown(path, _section(path, data, section), keys, f"{section}.")


def _section(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise JudgeInputError(f"{path}: '{key}' must be a mapping")
    return value


def load_settings(path: Path | None = None) -> Settings:
    path = path or find_config()
    defaults = load_mapping(SHIPPED_DIR / "judge.yaml", missing_ok=True)
    data = load_mapping(path)
    check_keys(path, data)

    def get(section: str, key: str) -> Any:
        for source in (data, defaults):
            value = _section(path, source, section).get(key)
            if value is not None:
                return value
        raise JudgeInputError(f"{path}: '{section}.{key}' is missing")

    def num(section: str, key: str) -> float:
        return number(path, f"{section}.{key}", get(section, key))

    def whole(section: str, key: str, least: int) -> int:
        value = get(section, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise JudgeInputError(f"{path}: '{section}.{key}' must be a whole number >= {least}, got {value!r}")
        return value

    def text(section: str, key: str) -> str:
        value = get(section, key)
        if not isinstance(value, str) or not value.strip():
            raise JudgeInputError(f"{path}: '{section}.{key}' must be a string, got {value!r}")
        return value

    wall_extra = number(path, "limits.wall_extra", get("limits", "wall_extra"), positive=False)
    if wall_extra < 0:
        raise JudgeInputError(f"{path}: 'limits.wall_extra' must be >= 0, got {wall_extra:g}")
    log_max_size = str(get("sandbox", "log_max_size"))
    if not LOG_SIZE.match(log_max_size):
        raise JudgeInputError(f"{path}: 'sandbox.log_max_size' must be a size such as 1m or 512k, got {log_max_size!r}")
    runners = _runner_folders(path, data.get("runners_dir") or defaults.get("runners_dir") or "runners")

    return Settings(
        path=path,
        problems_dir=_problems_folder(path, data.get("problems_dir"), defaults.get("problems_dir") or "problems"),
        runners_dir=runners[0],
        time=num("limits", "time"),
        memory=int(num("limits", "memory") * MIB),
        output=int(num("limits", "output") * MIB),
        code=int(num("limits", "code") * KIB),
        wall_multiplier=num("limits", "wall_multiplier"),
        wall_extra=wall_extra,
        validation_time=num("limits", "validation_time"),
        validation_memory=int(num("limits", "validation_memory") * MIB),
        derive_cap=num("limits", "derive_cap"),
        compile_time=num("compile", "time"),
        compile_memory=int(num("compile", "memory") * MIB),
        compile_output=int(num("compile", "output") * KIB),
        uid=whole("sandbox", "uid", 1),
        pids=whole("sandbox", "pids", MIN_PIDS),
        cpus=num("sandbox", "cpus"),
        tmp_size=int(num("sandbox", "tmp_size") * MIB),
        box_size=int(num("sandbox", "box_size") * MIB),
        log_max_size=log_max_size,
        base_tag=text("base_image", "tag"),
        base_pull=text("base_image", "pull"),
        base_suite=text("base_image", "suite"),
        assignments=_assignments(path, data),
        timing=_timing(path, data, defaults),
        runners_dirs=runners,
    )


def _problems_folder(path: Path, value: Any, default: str) -> Path:
    """``problems_dir``, relative to judge.yaml. Left out: the default name beside judge.yaml if that folder exists,
    else the shipped problems (a judge.yaml that only sets ``assignments:`` moves nothing)."""
    if value is None:
        beside = (path.parent / default).resolve()
        return beside if beside.is_dir() else (SHIPPED_DIR / default).resolve()
    if not isinstance(value, str) or not value.strip():
        raise JudgeInputError(f"{path}: 'problems_dir' must be a folder name, got {value!r}")
    return (path.parent / value).resolve()


def _runner_folders(path: Path, value: Any) -> tuple[Path, ...]:
    """``runners_dir``: one folder or a list, relative to judge.yaml, searched in order; the shipped runners come
    last unless listed. A folder that does not exist is an input error, but the default name ``runners`` (the
    shipped runners wherever judge.yaml is)."""
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise JudgeInputError(f"{path}: 'runners_dir' must be a folder or a list of folders")
    shipped = (SHIPPED_DIR / "runners").resolve()
    folders: list[Path] = []
    for name in names:
        found = (path.parent / name).resolve()
        if not found.is_dir():
            if name.strip().rstrip("/") != "runners":
                raise JudgeInputError(f"{path}: runners_dir {name!r}: folder not found ({found})")
            found = shipped
        if found not in folders:
            folders.append(found)
    if shipped not in folders and shipped.is_dir():
        folders.append(shipped)
    return tuple(folders)


def _timing(path: Path, data: dict[str, Any], defaults: dict[str, Any]) -> Timing:
    """judge.yaml ``timing``: positive numbers (a zero or negative multiplier, band or overshoot is an input error
    naming judge.yaml), ``reruns`` an integer >= 0, ``cores`` a list of CPU numbers."""
    given = {**_section(path, defaults, "timing"), **_section(path, data, "timing")}
    plain = Timing()

    def num(key: str, default: float) -> float:
        value = given.get(key)
        return default if value is None else number(path, f"timing.{key}", value)

    reruns = given.get("reruns", plain.reruns)
    if isinstance(reruns, bool) or not isinstance(reruns, int) or reruns < 0:
        raise JudgeInputError(f"{path}: 'timing.reruns' must be an integer >= 0, got {reruns!r}")
    cores = given.get("cores")
    if cores is not None and (
        not isinstance(cores, list) or not cores or not all(isinstance(c, int) and c >= 0 for c in cores)
    ):
        raise JudgeInputError(f"{path}: 'timing.cores' must be a list of CPU numbers, got {cores!r}")
    return Timing(
        time_multiplier=num("time_multiplier", plain.time_multiplier),
        overshoot_extra=num("overshoot_extra", plain.overshoot_extra),
        overshoot_factor=num("overshoot_factor", plain.overshoot_factor),
        band=num("band", plain.band),
        reruns=reruns,
        cores=tuple(cores) if cores is not None else None,
    )


def _assignments(path: Path, data: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """``assignments``: a list of ``{files: GLOB, problem: ID, points: N}``; points a number >= 0."""
    rows = data.get("assignments") or []
    if not isinstance(rows, list):
        raise JudgeInputError(f"{path}: 'assignments' must be a list of {{files, problem, points}}")
    for row in rows:
        if not isinstance(row, dict) or "files" not in row or "problem" not in row:
            raise JudgeInputError(f"{path}: each entry of 'assignments' needs 'files' (a glob) and 'problem'")
        _unknown(path, row, ASSIGNMENT_KEYS, "assignments.")
        problem, points = row["problem"], row.get("points")
        if not isinstance(row["files"], str) or isinstance(problem, bool) or not isinstance(problem, str | int):
            raise JudgeInputError(f"{path}: 'files' and 'problem' of assignment {row['files']!r} must be strings")
        if points is not None and (isinstance(points, bool) or not isinstance(points, int | float) or points < 0):
            raise JudgeInputError(
                f"{path}: 'points' of assignment {row['files']!r} must be a number >= 0, got {points!r}"
            )
    return tuple(rows)
