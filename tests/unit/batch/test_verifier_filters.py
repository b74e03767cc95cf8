"""``judge problem check -s REGEX -d REGEX`` (verifyproblem's ``--submission_filter``/``--data_filter``): a name
passes when the regex matches somewhere in it (``re.search``); data names are relative to data/ without extension."""

import re

import pytest
from click.testing import CliRunner

from judge.batch.packagecheck import filtered_tests
from judge.batch.verifier import data_inputs, data_name, wanted
from judge.cli import cli
from judge.errors import JudgeInputError
from judge.inputs.problem import load_problem
from judge.inputs.settings import load_settings
from tests.unit.batch.test_verifier_static import package


def test_a_filter_matches_anywhere_in_the_name():
    assert wanted("accepted/sum.py", None)
    assert wanted("accepted/sum.py", re.compile("sum"))
    assert not wanted("wrong_answer/minus.py", re.compile("^accepted/"))


def test_data_filter_keeps_the_inputs_whose_name_matches(tmp_path):
    root = package(tmp_path, {"data/secret/g1/2.in": "1 1\n", "data/secret/g1/2.ans": "2\n"})
    names = [data_name(path, root) for path, _ in data_inputs(root, re.compile("secret/g"))]
    assert names == ["secret/g1/2"]
    assert [data_name(path, root) for path, _ in data_inputs(root)] == ["sample/1", "secret/1", "secret/g1/2"]


def test_test_filter_keeps_matching_tests_and_refuses_to_keep_none(tmp_path):
    problem = load_problem(str(package(tmp_path, {})), load_settings(None))
    assert [t.name for t in filtered_tests(problem, re.compile("^sample/")).tests] == ["sample/1"]
    assert filtered_tests(problem, None) is problem
    with pytest.raises(JudgeInputError, match=r"no test of .* matches"):
        filtered_tests(problem, re.compile("nothing"))


@pytest.mark.parametrize(
    ("args", "words"),
    [(["-s", "("], "is not a valid regex"), (["-d", "x", "--write-limit"], "--write-limit needs every submission")],
)
def test_bad_filters_exit_2_before_anything_runs(tmp_path, args, words):
    result = CliRunner().invoke(cli, ["problem", "check", str(package(tmp_path, {})), *args])
    assert result.exit_code == 2 and words in result.output, result.output
