"""submissions.yaml read as spec 2025-09 "Example submissions" defines it: globs, keys, per-group rules, one-line
errors naming the file; DOMjudge's @EXPECTED_RESULTS@ tag (pure: small files in tmp_path)."""

from pathlib import Path

import pytest

from judge.errors import JudgeInputError
from judge.inputs.submissionsyaml import (
    DEFAULTS,
    LEGACY_DEFAULTS,
    compile_glob,
    default_rules,
    expected_results_tag,
    read_submissions_yaml,
)


def package(tmp_path: Path, text: str) -> Path:
    (tmp_path / "submissions").mkdir()
    (tmp_path / "submissions" / "submissions.yaml").write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("accepted", "accepted/a.py", True),  # a parent folder matches
        ("accepted/", "accepted/a.py", True),  # a trailing / changes nothing
        ("accepted/*", "accepted/a.py", True),
        ("accepted/*", "accepted/prog/main.py", True),  # the folder program accepted/prog matches
        ("accepted/*.py", "accepted/prog/main.py", False),  # * does not cross /
        ("*/*.py", "wrong_answer/a.py", True),
        ("*.py", "accepted/a.py", False),  # globs start at submissions/
        ("accepted/{a,b}.py", "accepted/b.py", True),  # brace expansion
        ("accepted/{a,b}.py", "accepted/c.py", False),
        ("accepted/author.{py,c{pp,c}}", "accepted/author.cc", True),  # nested braces
        ("accepted", "accepted_extra/a.py", False),  # whole names only
        ("secret/*-easy", "secret/03-easy", True),
        ("secret/*-easy", "secret/03-hard", False),
        ("secret/group1", "secret/group1/sub/07", True),  # a test matches by a parent group
        ("a.py", "accepted/a.py", False),
    ],
)
def test_glob_matches_itself_or_a_parent(glob, path, matches):
    assert compile_glob(glob).matches(path) is matches


@pytest.mark.parametrize("glob", ["**/a.py", "accepted/[ab].py", "accepted/{a,b.py", "accepted/a}.py", "/"])
def test_unsupported_globs_are_refused(glob):
    with pytest.raises(ValueError):
        compile_glob(glob)


def test_every_key_of_the_spec_is_read(tmp_path):
    spec = read_submissions_yaml(
        package(
            tmp_path,
            """
accepted/fast.py:
  language: python3
  entrypoint: fast.py
  authors: [Ada Lovelace <ada@example.org>, {name: Alan Turing, orcid: 0000-0001}]
  model_solution: true
  permitted: [AC]
  required: [AC]
  score: [10, 20.5]
  message: fine
  use_for_time_limit: lower
""",
        )
    )
    (entry,) = spec.entries
    assert entry.language == "python3" and entry.entrypoint == "fast.py" and entry.model_solution
    assert entry.authors == ("Ada Lovelace <ada@example.org>", "Alan Turing")
    (rule,) = entry.rules
    assert rule.permitted == {"AC"} and rule.required == {"AC"} and rule.score == (10.0, 20.5)
    assert rule.message == "fine" and rule.use_for_time_limit == "lower" and rule.tests is None


def test_a_test_group_key_holds_requirements_for_its_tests(tmp_path):
    spec = read_submissions_yaml(
        package(
            tmp_path,
            """
time_limit_exceeded/solves_easy.py:
  sample:
    permitted: [AC]
  secret/*-hard:
    permitted: [AC, TLE]
    required: [TLE]
    score: 0
    use_for_time_limit: false
""",
        )
    )
    own, sample, hard = spec.entries[0].rules
    assert not own.given()
    assert sample.tests is not None and sample.tests.text == "sample" and sample.permitted == {"AC"}
    assert hard.tests is not None and hard.tests.matches("secret/02-hard") and not hard.tests.matches("secret/02-easy")
    assert hard.required == {"TLE"} and hard.score == (0.0, 0.0) and hard.use_for_time_limit is False


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("accepted:\n  permitted: [AC, PE]\n", "unknown verdict 'PE' in 'permitted' (AC, WA, TLE, RTE, MLE, OLE, CE)"),
        ("accepted:\n  permited: [AC]\n", "unknown key 'permited' (did you mean 'permitted'?)"),
        ("accepted:\n  secret:\n    requird: [WA]\n", "unknown key 'requird' (did you mean 'required'?)"),
        ("accepted:\n  permitted: AC\n", "'permitted' must be a list of verdicts"),
        ("accepted:\n  required: []\n", "must name at least one verdict"),
        ("accepted:\n  score: [3, 1]\n", "'score' range [3, 1] is empty"),
        ("accepted:\n  score: high\n", "'score' must be a number"),
        ("accepted:\n  use_for_time_limit: maybe\n", "'use_for_time_limit' must be true, false, lower or upper"),
        ("accepted:\n  model_solution: yes please\n", "'model_solution' must be true or false"),
        ("accepted:\n  message: 3\n", "'message' must be a string"),
        ("accepted: [AC]\n", "must map to a mapping"),
        ("'**/*.py':\n  permitted: [AC]\n", "'**' is not supported"),
        ("accepted: {permitted: [AC]\n", "invalid YAML"),
        ("- accepted\n", "expected a mapping"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(tmp_path, text, says):
    folder = package(tmp_path, text)
    with pytest.raises(JudgeInputError) as caught:
        read_submissions_yaml(folder)
    message = str(caught.value)
    assert says in message, message
    assert message.startswith(str(folder / "submissions" / "submissions.yaml")) and "\n" not in message


def test_an_empty_test_group_key_asks_nothing(tmp_path):
    (entry,) = read_submissions_yaml(package(tmp_path, "accepted/a.py:\n  secret/group1:\n")).entries
    assert entry.rules[1].tests is not None and entry.rules[1].given() == {}


def test_no_file_means_no_entries(tmp_path):
    assert read_submissions_yaml(tmp_path).entries == ()


def test_default_folders_of_each_format():
    """Spec 2025-09 "Default directories" and legacy.md "Example submissions"."""
    new, legacy = default_rules(legacy=False), default_rules(legacy=True)
    assert new["brute_force"] == DEFAULTS["brute_force"] and "brute_force" not in legacy
    assert new["rejected"].required == {"RTE", "TLE", "WA"} and new["rejected"].permitted is None
    assert new["time_limit_exceeded"].permitted == {"AC", "TLE"}
    assert legacy["time_limit_exceeded"].final == {"TLE"} and legacy["time_limit_exceeded"].permitted is None
    assert (
        legacy["partially_accepted"] == LEGACY_DEFAULTS["partially_accepted"] and legacy["partially_accepted"].partial
    )
    assert new["memory_limit_exceeded"].required == {"MLE"} and legacy["memory_limit_exceeded"].final == {"MLE"}


@pytest.mark.parametrize(
    ("source", "verdicts"),
    [
        ("// @EXPECTED_RESULTS@: TIMELIMIT\nint main(){}\n", {"TLE"}),
        ("# @EXPECTED_RESULTS@: WRONG-ANSWER, RUN-ERROR\n", {"WA", "RTE"}),
        ("/* @expected_results@: CORRECT */\n", {"AC"}),
        ("print(1)\n", None),
    ],
)
def test_domjudge_tag(tmp_path, source, verdicts):
    path = tmp_path / "a.py"
    path.write_text(source)
    assert expected_results_tag(path) == (frozenset(verdicts) if verdicts is not None else None)


def test_domjudge_tag_in_a_folder_program_and_an_unknown_name(tmp_path):
    (tmp_path / "prog").mkdir()
    (tmp_path / "prog" / "a.c").write_text("// nothing here\n")
    (tmp_path / "prog" / "b.c").write_text("// @EXPECTED_RESULTS@: MEMORY-LIMIT\n")
    assert expected_results_tag(tmp_path / "prog") == {"MLE"}
    (tmp_path / "bad.c").write_text("// @EXPECTED_RESULTS@: SLOW\n")
    with pytest.raises(JudgeInputError, match=r"bad\.c: unknown result 'SLOW' in @EXPECTED_RESULTS@"):
        expected_results_tag(tmp_path / "bad.c")
