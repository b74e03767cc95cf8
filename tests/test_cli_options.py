"""Options that clash or would fail late: output files readied before grading, reports into one file, a negative
--min-score, --transcript without an interactive problem, a rescore with nothing to grade, a store that reading must
not create, an unknown result set, --entrypoint for a folder, ``runners build -q`` on up-to-date images."""

import json
import os
import shutil

import pytest
from click.testing import CliRunner
from test_cli import ROOT, SUBS, assert_one_line_error, invoke

from judge.batch.store import Store
from judge.cli import cli
from judge.sandbox import images

SUM = str(SUBS / "accepted/sum.py")
NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent.sock"}
GUESS = ROOT / "tests/fixtures/packages/guess"


@pytest.mark.docker
def test_reports_into_missing_folders_are_written(client, tmp_path, no_leftovers):
    out, junit = tmp_path / "nodir/deeper/r.json", tmp_path / "out/j.xml"
    result = invoke("submit", SUM, "-p", "1", "--format", "json", "-o", str(out), "--report", f"junit={junit}")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["verdict"] == "AC" and junit.read_text().startswith("<?xml")


def test_output_folders_are_made_before_grading(tmp_path):
    out = tmp_path / "made/before/r.json"
    result = invoke("submit", SUM, "-p", "1", "-o", str(out), env=NO_ENGINE)
    assert result.exit_code == 3 and out.parent.is_dir()  # the engine was asked for only after


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-o", "{d}/same.json", "--report", "junit={d}/same.json"], ["both -o and --report junit"]),
        (["--report", "junit={d}/a/../same.xml", "--report", "markdown={d}/same.xml"], ["both --report junit"]),
        (["-o", "{d}/file/r.json"], ["a file is in the way"]),
        (["--report", "junit={d}"], ["is a folder"]),
    ],
)
def test_unwritable_or_clashing_outputs_are_bad_input_before_grading(tmp_path, args, words):
    (tmp_path / "file").write_text("")
    result = invoke("submit", SUM, "-p", "1", *[a.format(d=tmp_path) for a in args], env=NO_ENGINE)
    assert_one_line_error(result, 2, *words)


def test_negative_min_score_is_a_usage_error():
    result = invoke("submit", SUM, "-p", "1", "--min-score", "-1", env=NO_ENGINE)
    assert result.exit_code == 2 and "--min-score" in result.stderr and "x>=0" in result.stderr


def test_transcript_on_a_problem_that_is_not_interactive_warns(tmp_path):
    result = invoke("submit", SUM, "-p", "1", "--transcript", str(tmp_path / "t"), env=NO_ENGINE)
    assert "warning: --transcript: no problem graded here is interactive" in result.stderr
    interactive = invoke("submit", SUM, "-p", str(GUESS), "--transcript", str(tmp_path / "t"), env=NO_ENGINE)
    assert "--transcript" not in interactive.stderr and interactive.exit_code == 3


@pytest.mark.parametrize("extra", [None, "notes.txt"])
def test_rescore_of_a_folder_without_submissions_is_bad_input(tmp_path, extra):
    folder = tmp_path / "subs"
    folder.mkdir()
    if extra:
        (folder / extra).write_text("no program")
    result = invoke("rescore", str(folder), "-p", "1", "--store", str(tmp_path / "r.db"), env=NO_ENGINE)
    assert_one_line_error(result, 2, str(folder), "no submissions to grade", *([extra] if extra else []))
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["results", "show"],
        ["results", "export"],
        ["results", "export", "--format", "json"],
        ["rescore", "apply", "1"],
        ["rescore", "discard", "1"],
    ],
)
def test_reading_a_store_that_is_not_there_creates_nothing(tmp_path, args):
    typo = tmp_path / "typo.db"
    assert_one_line_error(invoke(*args, "--store", str(typo)), 2, str(typo), "no results store")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_no_store_is_named(tmp_path):
    other = tmp_path / "other.db"
    Store(other).db.execute("DROP TABLE gradings")
    assert_one_line_error(invoke("results", "show", "--store", str(other)), 2, str(other), "not a results store")
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite at all, but long enough to be read as a header........................")
    assert_one_line_error(invoke("results", "show", "--store", str(junk)), 2, str(junk))


@pytest.mark.parametrize("command", [["results", "show", "--set"], ["rescore", "apply"], ["rescore", "discard"]])
def test_an_unknown_result_set_is_bad_input_everywhere(tmp_path, command):
    store = tmp_path / "r.db"
    Store(store).close()
    assert_one_line_error(invoke(*command, "99", "--store", str(store)), 2, "no result set 99")


def test_export_writes_into_a_new_folder(tmp_path):
    store = tmp_path / "r.db"
    Store(store).close()
    out = tmp_path / "out/x.csv"
    result = invoke("results", "export", "--store", str(store), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("submission,")


def two_python_files(tmp_path):
    folder = tmp_path / "prog"
    folder.mkdir(parents=True)
    (folder / "helper.py").write_text("def add(a, b):\n    return a + b\n")
    (folder / "solve.py").write_text("from helper import add\nprint(add(*map(int, input().split())))\n")
    return folder


def test_a_folder_without_entry_point_names_the_entrypoint_option(tmp_path):
    result = invoke("submit", str(two_python_files(tmp_path)), "-p", "1")
    assert_one_line_error(result, 2, "no entry point", "--entrypoint")
    wrong = invoke("submit", str(two_python_files(tmp_path / "x")), "-p", "1", "--entrypoint", "nope.py")
    assert_one_line_error(wrong, 2, "'nope.py' is not a file of the submission")


@pytest.mark.docker
def test_entrypoint_names_a_folders_entry_file(client, tmp_path, no_leftovers):
    result = invoke("submit", str(two_python_files(tmp_path)), "-p", "1", "--entrypoint", "solve.py")
    assert result.exit_code == 0 and "AC (Accepted)" in result.stdout, result.output


@pytest.mark.docker
def test_quiet_build_of_up_to_date_images_prints_nothing(client, settings):
    from judge.inputs.languages import load_languages

    languages = load_languages(settings)
    for name in ("python3", "c"):
        assert images.image_status(client, languages[name]) == "ready", f"build {name} first (scripts/setup)"
    quiet = CliRunner().invoke(cli, ["--config", str(ROOT / "judge.yaml"), "runners", "build", "-q", "python3", "c"])
    assert quiet.exit_code == 0 and quiet.output == "", quiet.output
    loud = CliRunner().invoke(cli, ["--config", str(ROOT / "judge.yaml"), "runners", "build", "python3"])
    assert loud.exit_code == 0 and "python3: judge/python3:latest is up to date" in loud.stderr


@pytest.mark.docker
def test_more_jobs_than_cores_is_a_note_that_tests_keep_a_core_each(client, tmp_path, no_leftovers):
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(SUM, folder / "sum.py")
    jobs = str((os.cpu_count() or 1) + 1)
    result = invoke("rescore", str(folder), "-p", "1", "-j", jobs, "--store", str(tmp_path / "r.db"))
    assert result.exit_code == 0, result.output
    assert f"note: -j {jobs} on" in result.stderr and "a core of its own" in result.stderr
    assert "may vary" not in result.stderr
