"""The application object every command receives (``pass_app``): settings, languages and one Docker client."""

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from judge.errors import JudgeInputError
from judge.inputs.settings import Settings, load_settings

if TYPE_CHECKING:  # imported where used: `judge results` loads neither Docker's client nor the graders
    from judge.batch.store import Store
    from judge.inputs.languages import Language
    from judge.inputs.problem import Problem
    from judge.sandbox.engine import Engine

DEFAULT_STORE = Path(".judge/results.db")


class App:
    """One run of ``judge``: the settings from ``--config``, and what is loaded or connected on first use only."""

    def __init__(self, config: Path | None = None) -> None:
        self.config = config
        self._client: Engine | None = None
        self._time_limited: dict[Path, Problem] = {}

    def use_config(self, config: Path) -> None:
        """Read the settings from ``config`` (a subcommand's ``--config``): what was loaded from another is dropped."""
        if config != self.config:
            self.config = config
            for loaded in ("settings", "languages"):
                self.__dict__.pop(loaded, None)

    @functools.cached_property
    def settings(self) -> Settings:
        """The settings of ``--config``, else of the judge.yaml found (read on first use)."""
        return load_settings(self.config)

    @functools.cached_property
    def languages(self) -> "dict[str, Language]":
        """The languages of runners/, by name."""
        from judge.inputs.languages import load_languages

        return load_languages(self.settings)

    @property
    def client(self) -> "Engine":
        """The Docker engine, connected on first use (JudgeFailure if unreachable)."""
        return self.connect()

    def connect(self, timeout: int = 120) -> "Engine":
        """The client; the first call connects (with this HTTP ``timeout``) and removes containers of dead judges."""
        if self._client is None:
            from judge.sandbox import engine
            from judge.sandbox.ownership import reap_orphans

            client = engine.connect(timeout=timeout)
            self._check_cpus(client)
            reap_orphans(client)
            self._client = client
        return self._client

    def _check_cpus(self, client: "Engine") -> None:
        """judge.yaml's CPUs against the engine's: a core it lacks is bad input (exit 2), not every test's JE."""
        from judge.inputs.settings import cpu_mistake
        from judge.sandbox import engine

        count = engine.engine_cpus(client)
        mistake = cpu_mistake(self.settings, count, engine.engine_name()) if count else None
        if mistake:
            raise JudgeInputError(mistake)

    def with_time_limit(self, problem: "Problem") -> "Problem":
        """``problem`` with a time limit, derived (once per package) from its accepted submissions if it has none."""
        if problem.path not in self._time_limited:
            from judge.grading.timelimit import ensure_time_limit

            say = functools.partial(click.echo, err=True)
            self._time_limited[problem.path] = ensure_time_limit(
                problem, self.settings, self.client, self.languages, say
            )
        return self._time_limited[problem.path]

    def store(self, path: Path | None, *, create: bool = True) -> "Store":
        """The results store at ``path`` (default .judge/results.db); only a run that grades creates it."""
        from judge.batch.store import Store

        return Store(path or DEFAULT_STORE, create=create)


# Each command's first parameter is the App the root group put in ``ctx.obj``.
pass_app = click.make_pass_decorator(App)
