"""Problem packages and runner definitions: loading, defaults and one-line errors (pure logic)."""

from pathlib import Path

import pytest

from judge.errors import JudgeInputError
from judge.inputs.languages import language_for, load_language, load_languages
from judge.inputs.problem import load_problem


def make(tmp_path: Path, yaml: str | None = "name: T\n", files: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "prob"
    folder.mkdir()
    if yaml is not None:
        (folder / "problem.yaml").write_text(yaml)
    for name, text in (files if files is not None else {"data/sample/1.in": "1\n", "data/sample/1.ans": "1\n"}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_shipped_problem_one(settings):
    problem = load_problem("1", settings)
    assert problem.name == "Sum of two integers"
    assert problem.limits.time == 1.0 and problem.limits.time_source == "problem.yaml limits.time_limit"
    assert problem.tests[0].name == "sample/1"
    assert all(t.sample for t in problem.tests[:1]) and not problem.tests[-1].sample


def test_defaults_from_judge_yaml_and_timelimit_file(tmp_path, settings):
    folder = make(tmp_path, "name: T\n")
    problem = load_problem(str(folder), settings)
    assert problem.limits.time == settings.time and problem.limits.time_source.startswith("judge.yaml")
    assert problem.limits.derive_multiplier == 5  # legacy: derived from the accepted submissions when graded
    assert problem.limits.memory == settings.memory
    (folder / ".timelimit").write_text("3\n")
    assert load_problem(str(folder), settings).limits.time == 3.0


def test_tests_sorted_samples_first_nested_groups(tmp_path, settings):
    files = {}
    for name in ["secret/b/2", "secret/a/1", "sample/2", "sample/1", "secret/0"]:
        files[f"data/{name}.in"] = files[f"data/{name}.ans"] = "x\n"
    problem = load_problem(str(make(tmp_path, files=files)), settings)
    assert [t.name for t in problem.tests] == ["sample/1", "sample/2", "secret/0", "secret/a/1", "secret/b/2"]
    assert problem.tests[3].group == "secret/a"


@pytest.mark.parametrize(
    ("yaml", "files", "expected"),
    [
        ("name: [unclosed\n", None, r"problem.yaml: invalid YAML at line \d"),
        ("- a list\n", None, "problem.yaml: expected a mapping"),
        ("limits:\n  time_limit: fast\n", None, "limits.time_limit' must be a number"),
        ("limits:\n  memory: -5\n", None, "limits.memory' must be positive"),
        ("validator_flags: float_tolerance\n", None, "float_tolerance' needs a value"),
        ("validation: custom\n", None, "no output_validator"),
        ("type: submit-answer\nproblem_format_version: 2023-07-draft\n", None, "'submit-answer' is not supported"),
        ("type: multi-pass\nproblem_format_version: 2025-09\n", None, "no output_validator"),
        (
            "validation: custom multi-pass\nlimits:\n  validation_passes: 1\n",
            {"output_validator/v.py": "", "data/sample/1.in": "1\n", "data/sample/1.ans": "1\n"},
            "validation_passes' must be an integer >= 2",
        ),
        ("validation: strange\n", None, "unknown validation"),
        ("nmae: T\n", None, "unknown key nmae in problem.yaml"),
        ("limits:\n  tiem_limit: 2\n", None, "unknown key tiem_limit in limits"),
        ("name: T\n", {"data/secret/testdata.yaml": "on_reject: maybe\n"}, "on_reject' must be break or continue"),
        ("name: T\n", {"data/secret/testdata.yaml": "grading: avg\n"}, "unknown score aggregation 'avg'"),
        ("name: T\n", {"data/secret/testdata.yaml": "scoring: [1]\n"}, "'scoring' must be a mapping"),
        ("name: T\n", {"data/secret/test_group.yaml": "colour: red\n"}, "test_group.yaml: unknown key colour"),
        ("name: T\n", {"data/secret/testdata.yaml": "x: [\n"}, "testdata.yaml: invalid YAML"),
        ("checker: nowhere.cpp\n", None, "checker 'nowhere.cpp' not found"),
        (
            "checker: {path: c.py, interface: polygon}\n",
            {"c.py": "", "data/sample/1.in": "1\n", "data/sample/1.ans": "1\n"},
            "interface 'polygon' is not one of",
        ),
        ("name: T\n", {"data/secret/1.in": "1\n"}, r"1.ans: missing answer file"),
        ("name: T\n", {}, "no test cases"),
    ],
)
def test_malformed_packages_give_one_line_errors(tmp_path, settings, yaml, files, expected):
    with pytest.raises(JudgeInputError, match=expected) as info:
        load_problem(str(make(tmp_path, yaml, files)), settings)
    assert "\n" not in str(info.value)


def test_unknown_problem(settings):
    with pytest.raises(JudgeInputError, match="no problem with that id"):
        load_problem("no-such-problem", settings)


def test_known_keys_are_ignored_politely(tmp_path, settings):
    folder = make(tmp_path, "name: T\nkeywords: [x]\nauthor: me\nsource: somewhere\nlicense: cc by-sa\n")
    assert load_problem(str(folder), settings).name == "T"


def test_runner_selection(settings):
    languages = load_languages(settings)
    assert {"python3", "c", "cpp", "java"} <= set(languages)
    assert language_for(Path("a.py"), languages).name == "python3"
    assert language_for(Path("a.CPP"), languages).name == "cpp"
    assert language_for(Path("a.txt"), languages, "c").name == "c"
    with pytest.raises(JudgeInputError, match=r"unknown file extension '\.txt'"):
        language_for(Path("a.txt"), languages)
    with pytest.raises(JudgeInputError, match="unknown language 'intercal'"):
        language_for(Path("a.py"), languages, "intercal")


def test_java_source_named_after_public_class(settings, tmp_path):
    # Java no longer renames the file: its compile step finds the class with main (runners/java/compile-jvm.py);
    # source_name_pattern stays a runner.yaml key, checked here on a runner of its own.
    java = load_languages(settings)["java"]
    assert java.source_name(b"import x;\npublic final class Solver {\n}") == "Main.java"
    assert java.command(java.run, "Main.java", 256 << 20)[1] == "-Xmx256m"
    (tmp_path / "runner.yaml").write_text(
        "name: j\nextensions: [java]\nsource: Main.java\nrun: [x]\n"
        "source_name_pattern: '^\\s*public\\s+(?:final\\s+|abstract\\s+)*class\\s+([A-Za-z_$][A-Za-z0-9_$]*)'\n"
    )
    named = load_language(tmp_path)
    assert named.source_name(b"import x;\npublic final class Solver {\n}") == "Solver.java"
    assert named.source_name(b"class Hidden {}") == "Main.java"


def test_malformed_runner(tmp_path):
    (tmp_path / "runner.yaml").write_text("name: x\nextensions: [x]\n")
    with pytest.raises(JudgeInputError, match="'run' is missing"):
        load_language(tmp_path)
    (tmp_path / "runner.yaml").write_text("name: x\nextensions: [x]\nrun: [x]\nsource_name_pattern: '('\n")
    with pytest.raises(JudgeInputError, match="bad regular expression"):
        load_language(tmp_path)


def test_kind_names_the_validator_interface(settings):
    packages = Path(__file__).resolve().parents[2] / "fixtures" / "packages"
    kinds = {name: load_problem(str(packages / name), settings).kind for name in ("custom-cpp", "testlib", "guess")}
    assert kinds == {
        "custom-cpp": "pass-fail, kattis checker",
        "testlib": "pass-fail, testlib checker",
        "guess": "pass-fail, interactive",
    }
