"""Legacy grader flags as problemtools' default grader applies them (support/default_grader/default_grader;
spec legacy.md, "Default Grader Specification"), and how a legacy scoring problem's verdict and score follow.
Pure: no Docker."""

from pathlib import Path

import pytest

from judge.errors import JudgeInputError
from judge.inputs.problem import Problem, load_problem
from judge.inputs.testdata import GraderFlags
from judge.judging.results import TestResult as Result
from judge.judging.results import Verdict
from judge.judging.scoring import default_grader, group_results, problem_score, problem_verdict, skip_test

AC, WA, TLE, RTE, MLE, OLE, JE = Verdict.AC, Verdict.WA, Verdict.TLE, Verdict.RTE, Verdict.MLE, Verdict.OLE, Verdict.JE
HERE = Path("data/testdata.yaml")


def flags(text: str) -> GraderFlags:
    return GraderFlags.parse(HERE, tuple(text.split()))


@pytest.mark.parametrize(
    ("text", "children", "expected"),
    [
        # verdict modes (scores sum by default)
        ("", [(AC, 1), (AC, 1)], (AC, 2)),
        ("", [(WA, 0), (TLE, 0)], (TLE, 0)),  # worst_error: JE, IF, RTE, MLE, TLE, OLE, WA, PE, AC
        ("", [(TLE, 0), (RTE, 0)], (RTE, 0)),
        ("", [(TLE, 0), (MLE, 0)], (MLE, 0)),
        ("", [(WA, 0), (OLE, 0)], (OLE, 0)),
        ("worst_error", [(AC, 1), (WA, 0), (AC, 1)], (WA, 2)),  # a rejection keeps its score; the root ignores it
        ("no_errors", [(WA, 0), (RTE, 0)], (RTE, 0)),  # problemtools' old name for worst_error
        ("first_error", [(WA, 0), (TLE, 0)], (WA, 0)),
        ("first_error", [(AC, 3), (TLE, 0), (WA, 0)], (TLE, 3)),
        ("first_error", [(AC, 3), (AC, 4)], (AC, 7)),
        ("always_accept", [(WA, 0), (TLE, 0)], (AC, 0)),
        # accept_if_any_accepted overrides the verdict mode when a child is AC
        ("accept_if_any_accepted", [(WA, 0), (AC, 5)], (AC, 5)),
        ("accept_if_any_accepted", [(WA, 0), (TLE, 0)], (TLE, 0)),
        ("first_error accept_if_any_accepted", [(AC, 50), (WA, 0)], (AC, 50)),
        ("first_error accept_if_any_accepted", [(WA, 0), (TLE, 0)], (WA, 0)),
        # score modes
        ("sum", [(AC, 10), (WA, 0), (AC, 20)], (WA, 30)),
        ("avg", [(AC, 10), (WA, 0), (AC, 20)], (WA, 10)),
        ("min", [(AC, 10), (WA, 0), (AC, 20)], (WA, 0)),
        ("max", [(AC, 10), (WA, 0), (AC, 20)], (WA, 20)),
        ("min always_accept", [(AC, 10), (AC, 20)], (AC, 10)),
        ("max accept_if_any_accepted", [(WA, 2), (AC, 9)], (AC, 9)),
        # the last of conflicting modes wins
        ("min max", [(AC, 1), (AC, 3)], (AC, 3)),
        ("first_error worst_error", [(WA, 0), (TLE, 0)], (TLE, 0)),
        ("worst_error first_error", [(WA, 0), (TLE, 0)], (WA, 0)),
        # a judge error anywhere is the group's, whatever the flags
        ("always_accept", [(AC, 1), (JE, 0)], (JE, 0)),
        ("accept_if_any_accepted", [(AC, 1), (JE, 0)], (JE, 0)),
        # no results: problemtools runs no grader and takes AC 0
        ("", [], (AC, 0)),
        ("avg", [], (AC, 0)),
    ],
)
def test_default_grader(text, children, expected):
    assert default_grader(flags(text), children) == expected


@pytest.mark.parametrize(
    ("text", "children", "expected"),
    [
        ("ignore_sample", [(WA, 0), (AC, 7)], (AC, 7)),  # sample, secret: only secret counts
        ("ignore_sample", [(AC, 2), (TLE, 3)], (TLE, 3)),
        ("ignore_sample", [(AC, 3)], (AC, 3)),  # no sample group
        ("", [(WA, 0), (AC, 7)], (WA, 7)),
        ("ignore_sample accept_if_any_accepted", [(AC, 2), (WA, 0)], (WA, 0)),
    ],
)
def test_ignore_sample_at_the_root(text, children, expected):
    assert default_grader(flags(text), children, root=True) == expected
    if "ignore_sample" in text:  # below the root the flag means nothing
        assert default_grader(flags(text), children) != expected or len(children) == 1


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", GraderFlags()),
        ("first_error accept_if_any_accepted", GraderFlags("first_error", None, False, True)),
        ("avg always_accept ignore_sample", GraderFlags("always_accept", "avg", True, False)),
        ("no_errors min sum", GraderFlags("worst_error", "sum", False, False)),
    ],
)
def test_parse_flags(text, parsed):
    assert flags(text) == parsed


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def package(tmp_path: Path, settings, files: dict[str, str], kind: str = "type: scoring\n") -> Problem:
    return load_problem(str(write(tmp_path, {"problem.yaml": kind, **files})), settings)


def cases(*names: str) -> dict[str, str]:
    return {f"data/{n}.{e}": "1\n" for n in names for e in ("in", "ans")}


def graded(problem: Problem, verdicts: dict[str, Verdict]) -> tuple[Verdict | None, tuple[float, float] | None]:
    """The problem's (verdict, (score, max)) for these per-test verdicts (tests not named did not run)."""
    tests = [Result(t.name, t.group, verdicts[t.name]) for t in problem.tests if t.name in verdicts]
    groups = group_results(problem, tests)
    return problem_verdict(problem, groups), problem_score(problem, groups)


SUBTASKS = {
    **cases("secret/g1/1", "secret/g1/2", "secret/g2/1", "secret/g2/2"),
    "data/secret/g1/testdata.yaml": "accept_score: 25\ngrader_flags: worst_error\n",
    "data/secret/g2/testdata.yaml": "accept_score: 25\ngrader_flags: worst_error\n",
}
ONE_SUBTASK = {"secret/g1/1": AC, "secret/g1/2": AC, "secret/g2/1": WA}  # g2/2 not run: on_reject break


@pytest.mark.parametrize(
    ("secret_flags", "verdicts", "expected"),
    [
        # Kattis' "partially accepted": one of two 50-point subtasks solved
        ("first_error accept_if_any_accepted", ONE_SUBTASK, (AC, (50, 100))),
        ("accept_if_any_accepted", ONE_SUBTASK, (AC, (50, 100))),
        ("always_accept", ONE_SUBTASK, (AC, (50, 100))),
        # without them the rejection decides, and a rejected result's score is ignored (legacy.md, "Output")
        ("", ONE_SUBTASK, (WA, (0, 100))),
        ("first_error", ONE_SUBTASK, (WA, (0, 100))),
        ("first_error accept_if_any_accepted", {"secret/g1/1": TLE, "secret/g2/1": WA}, (TLE, (0, 100))),
        ("accept_if_any_accepted", {"secret/g1/1": TLE, "secret/g2/1": WA}, (TLE, (0, 100))),
        ("first_error accept_if_any_accepted", dict.fromkeys(ONE_SUBTASK, AC) | {"secret/g2/2": AC}, (AC, (100, 100))),
        ("max accept_if_any_accepted", ONE_SUBTASK, (AC, (50, 50))),
        ("min accept_if_any_accepted", ONE_SUBTASK, (AC, (0, 50))),
        ("avg accept_if_any_accepted", ONE_SUBTASK, (AC, (25, 50))),
        ("accept_if_any_accepted", ONE_SUBTASK | {"secret/g2/1": JE}, (JE, (0, 100))),
    ],
)
def test_legacy_scoring_problem_verdict_and_score(tmp_path, settings, secret_flags, verdicts, expected):
    files = {**SUBTASKS, "data/secret/testdata.yaml": f"grader_flags: {secret_flags}\n" if secret_flags else ""}
    problem = package(tmp_path, settings, files)
    assert graded(problem, verdicts) == expected


def test_subgroups_inherit_the_flags_of_their_parent_as_a_whole(tmp_path, settings):
    files = {
        **cases("secret/g1/1", "secret/g1/2", "secret/g2/1", "secret/g2/2"),
        "data/secret/testdata.yaml": "grader_flags: min accept_if_any_accepted\naccept_score: 10\n",
        "data/secret/g2/testdata.yaml": "grader_flags: first_error\n",  # sum again, and no accept_if_any_accepted
    }
    problem = package(tmp_path, settings, files)
    assert problem.groups["secret/g1"].grader == flags("min accept_if_any_accepted")
    assert problem.groups["secret/g2"].aggregation == "sum"
    verdicts = {"secret/g1/1": AC, "secret/g1/2": WA, "secret/g2/1": AC, "secret/g2/2": WA}
    by = {g.name: g for g in group_results(problem, [Result(n, n.rpartition("/")[0], v) for n, v in
                                                     verdicts.items()])}  # fmt: skip
    assert (by["secret/g1"].verdict, by["secret/g1"].score) == (AC, 0)  # inherited: any AC accepts, min score
    assert (by["secret/g2"].verdict, by["secret/g2"].score) == (WA, 10)  # its own flags: first error, sum
    assert (by["secret"].verdict, by["secret"].score) == (AC, 0)


@pytest.mark.parametrize(
    ("root", "verdicts", "expected"),
    [
        # the sample group is the root's first child; its scores count unless ignore_sample
        ("on_reject: continue\n", {"sample/1": AC, "secret/1": AC, "secret/2": AC}, (AC, (3, 3))),
        ("on_reject: continue\n", {"sample/1": WA, "secret/1": AC, "secret/2": AC}, (WA, (0, 3))),
        ("on_reject: continue\ngrader_flags: ignore_sample\n", {"sample/1": WA, "secret/1": AC, "secret/2": AC},
         (AC, (2, 2))),
        ("on_reject: continue\ngrader_flags: ignore_sample\n", {"sample/1": AC, "secret/1": AC, "secret/2": TLE},
         (TLE, (0, 2))),
        # range bounds the root's score (and its maximum)
        ("on_reject: continue\nrange: 0 2\n", {"sample/1": AC, "secret/1": AC, "secret/2": AC}, (AC, (2, 2))),
        ("on_reject: continue\naccept_score: 5\nrange: 1 7\ngrader_flags: ignore_sample always_accept\n",
         {"sample/1": AC, "secret/1": WA, "secret/2": WA}, (AC, (1, 7))),
    ],
)  # fmt: skip
def test_root_grades_sample_and_secret(tmp_path, settings, root, verdicts, expected):
    files = {**cases("sample/1", "secret/1", "secret/2"), "data/testdata.yaml": root}
    assert graded(package(tmp_path, settings, files), verdicts) == expected


def test_range_bounds_a_group_score(tmp_path, settings):
    files = {
        **cases("secret/1", "secret/2", "secret/3"),
        "data/secret/testdata.yaml": "accept_score: 10\nrange: 5 25\n",
    }
    problem = package(tmp_path, settings, files)
    assert graded(problem, dict.fromkeys(["secret/1", "secret/2", "secret/3"], AC)) == (AC, (25, 25))
    secret = group_results(problem, [Result("secret/1", "secret", WA)])[0]
    assert (secret.verdict, secret.score) == (WA, 5)


def test_break_grades_only_what_ran(tmp_path, settings):
    files = {**cases("secret/1", "secret/2", "secret/3"), "data/secret/testdata.yaml": "grader_flags: avg\n"}
    problem = package(tmp_path, settings, files)  # legacy scoring: on_reject break by default
    done = [Result("secret/1", "secret", AC), Result("secret/2", "secret", WA)]
    assert skip_test(problem, done, 2, lazy=False)
    secret = group_results(problem, done)[0]
    assert (secret.verdict, secret.score, secret.max_score) == (WA, 0.5, 1)  # avg of the two that ran


def test_break_after_a_subgroup_the_grader_accepts_goes_on(tmp_path, settings):
    files = {
        **cases("secret/a/1", "secret/a/2", "secret/b/1"),
        "data/secret/a/testdata.yaml": "grader_flags: accept_if_any_accepted\non_reject: continue\n",
        "data/secret/b/testdata.yaml": "grader_flags: worst_error\n",
    }
    problem = package(tmp_path, settings, files)
    assert problem.groups["secret"].on_reject == "break"
    accepted = [Result("secret/a/1", "secret/a", AC), Result("secret/a/2", "secret/a", WA)]
    assert not skip_test(problem, accepted, 2, lazy=False)  # secret/a is AC: secret goes on to b
    rejected = [Result("secret/a/1", "secret/a", WA), Result("secret/a/2", "secret/a", WA)]
    assert not skip_test(problem, rejected[:1], 1, lazy=False)  # a itself continues
    assert skip_test(problem, rejected, 2, lazy=False)  # a is rejected: secret breaks
    assert skip_test(problem, accepted, 2, lazy=True)


def test_pass_fail_and_newer_formats_keep_the_first_failing_test(tmp_path, settings):
    files = {**cases("secret/1", "secret/2"), "data/secret/testdata.yaml": "grader_flags: always_accept\n"}
    pass_fail = package(tmp_path / "pf", settings, files, kind="name: P\n")
    assert graded(pass_fail, {"secret/1": WA, "secret/2": AC}) == (None, None)
    modern = package(tmp_path / "new", settings, files, kind="problem_format_version: 2023-07-draft\ntype: scoring\n")
    assert modern.groups["secret"].grader is None
    assert graded(modern, {"secret/1": WA, "secret/2": AC}) == (None, (1, 2))


@pytest.mark.parametrize(
    ("where", "text", "message"),
    [
        ("data/secret/testdata.yaml", "grader_flags: first_eror\n", "unknown grader flag 'first_eror'"),
        ("data/testdata.yaml", "grader_flags: sum median\n", "unknown grader flag 'median'"),
        ("data/secret/testdata.yaml", "grader_flags: ignore_sample\n", "'ignore_sample' is only allowed in data/"),
    ],
)
def test_bad_grader_flags_are_one_line_errors(tmp_path, settings, where, text, message):
    with pytest.raises(JudgeInputError) as caught:
        package(tmp_path, settings, {**cases("secret/1"), where: text})
    assert str(tmp_path / where) in str(caught.value) and message in str(caught.value)
    assert "\n" not in str(caught.value) and caught.value.exit_code == 2


def test_ignore_sample_given_at_the_root_is_not_inherited(tmp_path, settings):
    files = {**cases("sample/1", "secret/1"), "data/testdata.yaml": "grader_flags: ignore_sample\n"}
    problem = package(tmp_path, settings, files)
    assert problem.groups[""].grader == flags("ignore_sample")
    assert problem.groups["secret"].grader == GraderFlags() and problem.groups["sample"].grader == GraderFlags()
