"""judge.yaml checked as problem.yaml is (unknown keys with a "did you mean", types, ranges: one line, exit 2),
defaults that stay the shipped ones, ``--config`` after the subcommand, ``--version``."""

import pytest
from click.testing import CliRunner
from test_cli import ROOT, SUBS, assert_one_line_error

from judge import __version__
from judge.cli import cli
from judge.errors import JudgeInputError
from judge.inputs.settings import SHIPPED_DIR, cpu_mistake, load_settings


def config(tmp_path, text: str):
    path = tmp_path / "judge.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("limitz: {time: 2}\n", ["unknown key 'limitz'", "did you mean 'limits'"]),
        ("limits: {tme: 1}\n", ["unknown key 'limits.tme'", "did you mean 'limits.time'"]),
        ("timing: {core: [0]}\n", ["unknown key 'timing.core'", "did you mean 'timing.cores'"]),
        ("problems_dir: [1, 2]\n", ["'problems_dir' must be a folder name"]),
        ("sandbox: {pids: 1}\n", ["'sandbox.pids' must be a whole number >= 4"]),
        ("sandbox: {uid: 1000.5}\n", ["'sandbox.uid'"]),
        ("sandbox: {log_max_size: lots}\n", ["'sandbox.log_max_size'"]),
        ("limits: {wall_extra: -1}\n", ["'limits.wall_extra' must be >= 0"]),
        ("base_image: {tag: [x]}\n", ["'base_image.tag' must be a string"]),
        ('assignments: [{files: "*.py", problem: "1", points: -10}]\n', ["'points'", "must be a number >= 0"]),
        ('assignments: [{files: "*.py", problem: "1", pionts: 10}]\n', ["did you mean 'assignments.points'"]),
    ],
)
def test_a_mistake_in_judge_yaml_is_one_line_naming_it_and_the_key(tmp_path, text, words):
    path = config(tmp_path, text)
    result = CliRunner().invoke(cli, ["--config", str(path), "submit", str(SUBS / "accepted/sum.py"), "-p", "1"])
    assert_one_line_error(result, 2, str(path), *words)


def test_the_shipped_judge_yaml_passes_its_own_checks():
    settings = load_settings(SHIPPED_DIR / "judge.yaml")
    assert settings.pids >= 4 and settings.problems_dir == (SHIPPED_DIR / "problems").resolve()


def test_a_judge_yaml_with_only_assignments_keeps_the_shipped_problems(tmp_path, monkeypatch):
    monkeypatch.delenv("JUDGE_CONFIG", raising=False)
    config(tmp_path, 'assignments:\n  - {files: "hw/*.py", problem: "1", points: 10}\n')
    monkeypatch.chdir(tmp_path)
    assert load_settings().problems_dir == (SHIPPED_DIR / "problems").resolve()
    result = CliRunner().invoke(cli, ["problems", "list"])
    assert result.exit_code == 0 and "Sum of two integers" in result.stdout, result.output
    (tmp_path / "problems").mkdir()  # the default name beside judge.yaml, when that folder exists, is its own
    assert load_settings().problems_dir == (tmp_path / "problems").resolve()


def test_a_problems_dir_the_file_sets_is_relative_to_it(tmp_path):
    assert load_settings(config(tmp_path, "problems_dir: mine\n")).problems_dir == tmp_path / "mine"


@pytest.mark.parametrize(
    ("text", "cpus", "words"),
    [
        ("timing: {cores: [0, 7]}\n", 2, ["'timing.cores' names CPU 7", "CPUs 0-1"]),
        ("sandbox: {cpus: 3}\n", 2, ["'sandbox.cpus' is 3", "has 2 CPUs"]),
        ("timing: {cores: [1]}\n", 2, None),
    ],
)
def test_cpus_the_engine_lacks_are_named(tmp_path, text, cpus, words):
    mistake = cpu_mistake(load_settings(config(tmp_path, text)), cpus)
    assert mistake is None if words is None else all(w in mistake for w in words)


@pytest.mark.docker
def test_a_core_the_engine_lacks_is_bad_input_before_grading(tmp_path, client, no_leftovers):
    path = config(tmp_path, f"problems_dir: {ROOT / 'problems'}\ntiming: {{cores: [999]}}\n")
    result = CliRunner().invoke(cli, ["submit", str(SUBS / "accepted/sum.py"), "-p", "1", "--config", str(path)])
    assert_one_line_error(result, 2, str(path), "'timing.cores' names CPU 999")


def test_config_is_taken_after_the_subcommand_too(tmp_path):
    path = config(tmp_path, "limitz: 1\n")
    for args in (["--config", str(path), "problems", "list"], ["problems", "list", "--config", str(path)]):
        assert_one_line_error(CliRunner().invoke(cli, args), 2, "limitz")
    for args in (["problem", "check", "1", "--config", str(path)], ["runners", "list", "--config", str(path)]):
        assert_one_line_error(CliRunner().invoke(cli, args), 2, "limitz")


def test_config_after_the_subcommand_wins(tmp_path):
    good = config(tmp_path, f"problems_dir: {ROOT / 'problems'}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("limitz: 1\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "problems", "list", "--config", str(good)])
    assert result.exit_code == 0 and "Sum of two integers" in result.stdout, result.output


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"judge {__version__}\n"


def test_settings_errors_are_input_errors(tmp_path):
    with pytest.raises(JudgeInputError, match="did you mean 'compile'"):
        load_settings(config(tmp_path, "compiel: {}\n"))
