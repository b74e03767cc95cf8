"""``judge serve --cluster``: the queue's executions and gradings run on the Dask workers ``judge rescore --cluster``
uses (judge.batch.dask), instead of this host's engine.

The queue stays in the server's store: a worker thread claims a row as without a cluster, sends it as one Dask task
and waits for its result. A task whose worker is lost runs again on another (the scheduler's rule); a server that
dies leaves the row ``running``, and a restart queues it again. Workers keep no warm pool: each task starts its own
container there (see docs/service.md). A grading's tests are told as its worker finishes them (a Dask topic).
"""

from collections.abc import Callable
from typing import Any, Protocol

from judge.grading.execute import ExecuteRequest, ExecuteResult
from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.program import Program
from judge.judging.results import SubmissionResult, TestResult
from judge.service.native import Catalogue, GradingRequest, program_of


class Cluster(Protocol):
    """What the service needs of judge.batch.dask.DaskExecutor (the command line hands one in)."""

    def grade_one(
        self,
        problem: Problem,
        language: Language,
        program: Program,
        lazy: bool = False,
        on_test: Callable[[TestResult], None] | None = None,
    ) -> SubmissionResult: ...

    def execute_one(self, language: Language, request: ExecuteRequest) -> ExecuteResult: ...

    def close(self) -> None: ...


class ClusterRuns:
    """The Workers' executor (``execute``) and grading runner (``grade``), both sent to the cluster."""

    def __init__(self, dask: Cluster, catalogue: Catalogue) -> None:
        self.dask, self.catalogue = dask, catalogue

    def execute(self, language: Language, request: ExecuteRequest) -> tuple[ExecuteResult, Callable[[], None]]:
        return self.dask.execute_one(language, request), _nothing  # the worker removed its container

    def grade(self, data: dict[str, Any], on_test: Callable[[TestResult], None]) -> SubmissionResult:
        """A queued grading on a worker, each finished test told as the worker logs it."""
        request = GradingRequest.from_json(data)
        problem = self.catalogue.problem(request.problem)
        language = self.catalogue.languages[request.language]
        program = program_of(request, self.catalogue.languages)
        result = self.dask.grade_one(problem, language, program, request.lazy, on_test)
        result.submission = request.submission
        return result

    def close(self) -> None:
        self.dask.close()


def _nothing() -> None:
    pass
