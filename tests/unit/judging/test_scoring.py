"""Pure logic of #3/#4: package reading, group scores, validator exit codes (interactive precedence: unit/judging)."""

import os
from pathlib import Path

import pytest

from judge.inputs.problem import derived_time_limit, load_problem
from judge.judging import results as records
from judge.judging import validation as validation
from judge.judging.results import CompileResult, SubmissionResult, Verdict
from judge.judging.scoring import group_results, problem_score, skip_test
from judge.judging.validation import ValidationResult, ValidatorRun, kattis_outcome
from judge.judging.verdicts import icpc_verdicts

Result = records.TestResult

PACKAGES = Path(__file__).resolve().parents[2] / "fixtures" / "packages"


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def results(problem, verdicts: dict[str, Verdict]) -> list[records.TestResult]:
    return [Result(t.name, t.group, verdicts.get(t.name, Verdict.AC)) for t in problem.tests if t.name in verdicts]


def test_fixture_packages_are_read_as_their_kind(settings):
    float_problem = load_problem(str(PACKAGES / "float"), settings)
    assert float_problem.tests[-1].args == ("float_tolerance", "1e-6")  # from data/testdata.yaml
    custom = load_problem(str(PACKAGES / "custom-cpp"), settings)
    assert custom.validator and custom.validator.main.name == "validate.cpp" and custom.validator.interface == "kattis"
    assert custom.limits.time == 2 and custom.limits.time_source == ".timelimit"
    testlib = load_problem(str(PACKAGES / "testlib"), settings)
    assert testlib.validator and testlib.validator.interface == "testlib"
    scoring = load_problem(str(PACKAGES / "scoring"), settings)
    assert scoring.scoring and scoring.groups["secret"].aggregation == "sum"
    group1 = scoring.groups["secret/group1"]
    assert (group1.aggregation, group1.max_score) == ("min", 50)
    legacy = load_problem(str(PACKAGES / "legacy"), settings)
    assert legacy.limits.derive_multiplier == 5 and legacy.tests[0].args == ("case_sensitive",)
    guess = load_problem(str(PACKAGES / "guess"), settings)
    assert guess.interactive and guess.validator and guess.validator.main.name == "validate.cpp"
    assert not any(t.input.suffix == ".interaction" for t in guess.tests)


def test_new_format_interactive_type_and_output_validator_folder(tmp_path, settings):
    write(
        tmp_path,
        {
            "problem.yaml": "problem_format_version: 2023-07-draft\ntype: [pass-fail, interactive]\nname: I\n"
            "limits: {time_multipliers: {ac_to_time_limit: 3}}\n",
            "output_validator/validator.py": "",
            "output_validator/helper.h": "",
            "data/secret/1.in": "1\n",
            "data/secret/1.ans": "",
        },
    )
    problem = load_problem(str(tmp_path), settings)
    assert problem.interactive and problem.validator and problem.validator.main.name == "validator.py"
    assert {p.name for p in problem.validator.files} == {"validator.py", "helper.h"}
    assert problem.limits.derive_multiplier == 3


def test_order_interleaves_groups_and_cases_and_follows_symlinks(tmp_path, settings):
    files = {f"data/secret/{n}.{e}": n for n in ("a", "c", "b/1") for e in ("in", "ans")}
    write(tmp_path, {"problem.yaml": "name: T\n", **files})
    os.symlink("../a.in", tmp_path / "data/secret/b/linked.in")  # its .ans is found next to the target
    problem = load_problem(str(tmp_path), settings)
    assert [t.name for t in problem.tests] == ["secret/a", "secret/b/1", "secret/b/linked", "secret/c"]
    assert problem.tests[2].answer.resolve() == (tmp_path / "data/secret/a.ans").resolve()


@pytest.mark.parametrize(
    ("slowest", "multiplier", "resolution", "expected"),
    [(0.011, 5, 1.0, 1.0), (0.31, 5, 1.0, 2.0), (0.4, 5, 1.0, 2.0), (0.31, 2, 0.5, 1.0), (1.3, 2, 1.0, 3.0)],
)
def test_derived_time_limit_rounds_up(settings, slowest, multiplier, resolution, expected):
    legacy = load_problem(str(PACKAGES / "legacy"), settings)
    limits = type(legacy.limits)(**{**legacy.limits.__dict__, "derive_multiplier": multiplier,
                                    "time_resolution": resolution})  # fmt: skip
    assert derived_time_limit(slowest, limits) == expected


def test_two_groups_min_aggregation_half_score(settings):
    problem = load_problem(str(PACKAGES / "scoring"), settings)
    slow = {t.name: Verdict.AC for t in problem.tests} | {"secret/group2/01-random": Verdict.TLE}
    groups = group_results(problem, results(problem, slow))
    by = {g.name: g for g in groups}
    assert (by["secret/group1"].score, by["secret/group2"].score) == (50, 0)
    assert by["secret/group2"].verdict == Verdict.TLE and by["secret"].verdict == Verdict.TLE
    assert problem_score(problem, groups) == (50, 100)
    full = group_results(problem, results(problem, {t.name: Verdict.AC for t in problem.tests}))
    assert problem_score(problem, full) == (100, 100)


def test_sum_range_require_pass_and_tests_not_run(tmp_path, settings):
    files = {f"data/secret/{g}/{i}.{e}": "x" for g in ("g1", "g2") for i in (1, 2, 3, 4) for e in ("in", "ans")}
    files["problem.yaml"] = "type: scoring\nname: S\n"
    files["data/secret/g1/testdata.yaml"] = "grading: sum\nmax_score: 40\n"
    files["data/secret/g2/testdata.yaml"] = "grader_flags: sum\naccept_score: 10\nrange: 0 25\nrequire_pass: g1\n"
    problem = load_problem(str(write(tmp_path, files)), settings)
    verdicts = {t.name: Verdict.AC for t in problem.tests} | {"secret/g1/4": Verdict.WA}
    by = {g.name: g for g in group_results(problem, results(problem, verdicts))}
    assert by["secret/g1"].score == 30 and by["secret/g1"].max_score == 40  # 3 of 4 tests, scaled to 40
    assert by["secret/g2"].score == 0  # 40 clamped to 25, then zero: g1 was not accepted
    verdicts["secret/g1/4"] = Verdict.AC
    del verdicts["secret/g2/4"]  # not run
    by = {g.name: g for g in group_results(problem, results(problem, verdicts))}
    assert by["secret/g2"].score == 25 and by["secret/g2"].verdict is None


def test_skip_after_failure_lazy_and_on_reject_break(tmp_path, settings):
    files = {f"data/secret/{g}/{i}.{e}": "x" for g in ("g1", "g2") for i in (1, 2) for e in ("in", "ans")}
    files["data/secret/g1/testdata.yaml"] = "on_reject: break\n"
    problem = load_problem(str(write(tmp_path, {"problem.yaml": "name: B\n", **files})), settings)
    failed = [Result("secret/g1/1", "secret/g1", Verdict.WA)]
    assert skip_test(problem, failed, 1, lazy=False)  # the rest of g1
    assert not skip_test(problem, failed, 2, lazy=False)  # g2 still runs
    assert skip_test(problem, failed, 2, lazy=True)
    assert not skip_test(problem, [Result("secret/g1/1", "secret/g1", Verdict.AC)], 1, lazy=True)


def run(code, feedback=None, stdout=b"", stderr=b"", killed_by=None, signal=None) -> ValidatorRun:
    return ValidatorRun(code, signal, killed_by, stdout, stderr, feedback or {})


def test_kattis_exit_codes_feedback_and_score():
    assert kattis_outcome(run(42)) == ValidationResult(True)
    wrong = kattis_outcome(run(43, {"judgemessage.txt": "a+b = 7, expected 8\nmore"}))
    assert not wrong.accepted and wrong.message == "a+b = 7, expected 8" and not wrong.judge_error
    assert kattis_outcome(run(42, {"score.txt": "37.5\n"})).score == 37.5
    for bad in (run(1, stderr=b"Segfault"), run(0), run(None, signal="SIGSEGV"), run(None, killed_by="cpu")):
        assert kattis_outcome(bad).judge_error
    assert kattis_outcome(run(42, {"score.txt": "lots"})).judge_error


def test_testlib_exit_codes():
    assert validation.testlib_outcome(run(0, stderr=b"ok 3 numbers")) == ValidationResult(True, "ok 3 numbers")
    assert not validation.testlib_outcome(run(1, stderr=b"wrong answer 1st differs")).accepted
    pe = validation.testlib_outcome(run(2, stderr=b"expected int"))
    assert not pe.accepted and not pe.judge_error and pe.message.startswith("presentation error")
    assert validation.testlib_outcome(run(3, stderr=b"answer file broken")).judge_error
    partial = validation.testlib_outcome(run(7, stdout=b"0.5\n", stderr=b"half"))
    assert partial.score == 0.5 and not partial.accepted and not partial.judge_error


def test_icpc_names_and_scaled_points():
    result = SubmissionResult("s.py", "p", "P", "python3", Verdict.MLE, CompileResult(True))
    result.tests = [Result("secret/1", "secret", Verdict.MLE), Result("secret/2", "secret", Verdict.OLE)]
    mapped = icpc_verdicts(result)
    assert mapped.verdict == Verdict.RTE and [t.verdict for t in mapped.tests] == [Verdict.RTE, Verdict.RTE]
    assert result.verdict == Verdict.MLE  # the original is untouched
    result.problem_score, result.problem_max = 50.0, 100.0
    assert (result.score, result.max_score) == (50, 100)
    result.points = 10
    assert (result.score, result.max_score) == (5, 10)


def test_result_document_round_trip_keeps_groups_and_scores():
    from judge.batch.dask import from_document  # what a Dask worker's result becomes on the coordinator
    from judge.judging.results import GroupResult

    result = SubmissionResult("s.py", "p", "P", "python3", Verdict.TLE, CompileResult(True))
    result.tests = [Result("secret/g1/1", "secret/g1", Verdict.AC), Result("secret/g2/1", "secret/g2", Verdict.TLE)]
    result.groups = [GroupResult("secret/g1", Verdict.AC, 50, 50, 1, 1), GroupResult("secret/g2", None, 0, 50, 0, 2)]
    result.skipped, result.problem_score, result.problem_max = ["secret/g2/2"], 50.0, 100.0
    back = from_document(result.to_dict())
    assert (back.score, back.max_score, back.skipped) == (50, 100, ["secret/g2/2"])
    assert back.groups == result.groups


def test_legacy_scoring_problems_break_on_reject_by_default(tmp_path, settings):
    files = {f"data/secret/g/{i}.{e}": "x" for i in (1, 2, 3) for e in ("in", "ans")}
    legacy = load_problem(str(write(tmp_path / "old", {"problem.yaml": "type: scoring\n", **files})), settings)
    assert legacy.groups["secret/g"].on_reject == "break"  # Kattis' legacy default
    verdicts = {"secret/g/1": Verdict.AC, "secret/g/2": Verdict.WA}  # 3 is not run after the failure
    assert {g.name: g.score for g in group_results(legacy, results(legacy, verdicts))}["secret/g"] == 1
    new = "problem_format_version: 2023-07-draft\ntype: scoring\n"
    modern = load_problem(str(write(tmp_path / "new", {"problem.yaml": new, **files})), settings)
    assert modern.groups["secret/g"].on_reject == "continue"
    pass_fail = load_problem(str(write(tmp_path / "pf", {"problem.yaml": "name: P\n", **files})), settings)
    assert pass_fail.groups["secret/g"].on_reject == "continue"  # every test runs, like DOMjudge
