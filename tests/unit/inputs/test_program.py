"""read_program's rules (no Docker): a submission as one file or a folder, its language, entry point and sources."""

import io
import tarfile
from pathlib import Path

import pytest

from judge.errors import JudgeInputError
from judge.inputs.languages import Language, load_language
from judge.inputs.program import included_files, read_program, with_included

RUNNERS = Path(__file__).resolve().parents[3] / "runners"


@pytest.fixture(scope="module")
def languages() -> dict[str, Language]:
    found = [load_language(p) for p in sorted(RUNNERS.iterdir()) if (p / "runner.yaml").is_file()]
    return {language.name: language for language in found}


def folder(tmp_path: Path, name: str, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / name
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def test_single_file_keeps_the_users_file_name(tmp_path, languages):
    # The reference judges keep it (problemtools' {mainfile}, DOMjudge's sources): its extension picks a dialect.
    for name, lang, expected in (
        ("random.py", None, "random.py"),
        ("legacy.f", None, "legacy.f"),
        ("mod.mjs", None, "mod.mjs"),
        ("sol.cc", None, "sol.cc"),
        ("prog.F", "fortran", "prog.F"),
    ):
        path = tmp_path / name
        path.write_text("x\n")
        program = read_program(path, languages, lang)
        assert (program.main, program.sources, list(program.files)) == (expected, (expected,), [expected])
        assert program.code_size == 2


def test_single_file_with_an_unsafe_name_gets_the_runners_name_and_keeps_its_extension(tmp_path, languages):
    for name, lang, expected in (
        ("-O3.c", None, "main.c"),
        ("my prog.f", "fortran", "main.f"),
        ("résumé.f", "fortran", "main.f"),
        ("x.txt", "python3", "main.py"),
    ):
        path = tmp_path / name
        path.write_text("x\n")
        assert read_program(path, languages, lang).main == expected


def test_single_file_named_by_its_code_where_the_language_requires_it(tmp_path, languages):
    path = tmp_path / "solution.erl"
    path.write_text("-module(sum).\n-export([main/0]).\n")
    assert read_program(path, languages).main == "sum.erl"


def test_python_folder_prefers_the_file_named_like_the_folder(tmp_path, languages):
    root = folder(tmp_path, "sol", {"sol.py": "import helper\n", "main.py": "", "helper.py": "X = 1\n"})
    program = read_program(root, languages)
    assert program.main == "sol.py"
    assert program.sources == ("helper.py", "main.py", "sol.py")


def test_python_folder_then_main_py_then_the_only_file(tmp_path, languages):
    assert read_program(folder(tmp_path, "a", {"main.py": "", "helper.py": ""}), languages).main == "main.py"
    assert read_program(folder(tmp_path, "b", {"solve.py": "", "notes.txt": "x"}), languages).main == "solve.py"


def test_python_folder_without_an_entry_point_is_an_error_naming_the_folder(tmp_path, languages):
    root = folder(tmp_path, "two", {"a.py": "", "b.py": ""})
    with pytest.raises(JudgeInputError, match=r"two: no entry point.*two\.py, main\.py"):
        read_program(root, languages)


def test_named_entry_point(tmp_path, languages):
    root = folder(tmp_path, "two", {"a.py": "", "b.py": ""})
    assert read_program(root, languages, entrypoint="b.py").main == "b.py"
    with pytest.raises(JudgeInputError, match=r"two: the entry point 'c.py' is not a file"):
        read_program(root, languages, entrypoint="c.py")


def test_c_folder_compiles_every_c_file_and_headers_travel_along(tmp_path, languages):
    root = folder(tmp_path, "c", {"main.c": "", "lib.c": "", "lib.h": "", "data.txt": "1"})
    program = read_program(root, languages)
    assert program.language == "c"
    assert program.sources == ("lib.c", "main.c")
    assert set(program.files) == {"main.c", "lib.c", "lib.h", "data.txt"}
    compile_cmd = languages["c"].command(languages["c"].compile or (), program.main, 256 << 20, program.sources)
    assert compile_cmd[compile_cmd.index("main") + 1 : -1] == ["lib.c", "main.c"]


def test_java_folder_leaves_the_main_class_to_the_compile_step(tmp_path, languages):
    root = folder(tmp_path, "j", {"Solver.java": "", "util/Helper.java": ""})
    program = read_program(root, languages, entrypoint="a.b.Solver")
    assert program.sources == ("Solver.java", "util/Helper.java") and program.entrypoint == "a.b.Solver"
    java = languages["java"]
    cmd = java.command(java.compile or (), program.main, 256 << 20, program.sources, program.entrypoint)
    assert "--entrypoint=a.b.Solver" in cmd and cmd[-2:] == ["Solver.java", "util/Helper.java"]
    assert java.command(java.run, program.main, 256 << 20)[-1] == "@.mainclass"


def test_language_is_the_one_most_files_are_written_in(tmp_path, languages):
    root = folder(tmp_path, "m", {"main.cpp": "", "a.cpp": "", "gen.py": ""})
    assert read_program(root, languages).language == "cpp"
    assert read_program(root, languages, lang="python3").sources == ("gen.py",)


def test_a_tie_between_languages_is_an_error_naming_the_folder(tmp_path, languages):
    root = folder(tmp_path, "tie", {"main.c": "", "main.py": ""})
    with pytest.raises(JudgeInputError, match=r"tie: as many c as python3 files"):
        read_program(root, languages)


def test_no_known_source_is_an_error(tmp_path, languages):
    with pytest.raises(JudgeInputError, match=r"docs: no source file of a known language"):
        read_program(folder(tmp_path, "docs", {"README.txt": "x"}), languages)
    with pytest.raises(JudgeInputError, match=r"empty: the submission folder is empty"):
        read_program(folder(tmp_path, "empty", {".hidden.py": ""}), languages)


def test_hidden_files_are_skipped_and_odd_names_refused(tmp_path, languages):
    root = folder(tmp_path, "h", {"main.py": "", ".git/x.py": "", "__pycache__/m.pyc": b"\0"})
    assert set(read_program(root, languages).files) == {"main.py"}
    with pytest.raises(JudgeInputError, match=r"'-o.c' is not allowed"):
        read_program(folder(tmp_path, "bad", {"-o.c": "", "main.c": ""}), languages)


def test_files_are_never_executable(tmp_path, languages):
    root = folder(tmp_path, "bin", {"main.py": "", "pkg/__init__.py": "", "tool": b"\x7fELF\x02"})
    (root / "tool").chmod(0o755)
    program = read_program(root, languages)
    assert program.nested
    with tarfile.open(fileobj=io.BytesIO(program.tar())) as tar:
        modes = {m.name: (m.type, m.mode) for m in tar.getmembers()}
    assert modes == {
        "main.py": (tarfile.REGTYPE, 0o644),
        "pkg": (tarfile.DIRTYPE, 0o755),
        "pkg/__init__.py": (tarfile.REGTYPE, 0o644),
        "tool": (tarfile.REGTYPE, 0o644),
    }


def test_code_size_counts_every_file(tmp_path, languages):
    root = folder(tmp_path, "s", {"main.py": "12345", "data.txt": "678"})
    assert read_program(root, languages).code_size == 8


def test_included_files_override_the_submission_and_default(tmp_path, languages):
    package = folder(
        tmp_path,
        "pkg",
        {"include/default/driver.h": "default", "include/default/x.txt": "d", "include/c/driver.h": "c-specific"},
    )
    included = included_files(package, "c")
    assert included == {"driver.h": b"c-specific", "x.txt": b"d"}
    program = read_program(folder(tmp_path, "sub", {"main.c": "int main;", "driver.h": "mine"}), languages)
    merged = with_included(program, included, languages["c"])
    assert merged.files["driver.h"] == b"c-specific" and merged.code_size == program.code_size
    assert included_files(package, "python3") == {"driver.h": b"default", "x.txt": b"d"}


def test_an_included_driver_becomes_the_entry_file(tmp_path, languages):
    program = read_program(folder(tmp_path, "s", {"solve.py": "def f(): ..."}), languages)
    merged = with_included(program, {"main.py": b"import solve"}, languages["python3"])
    assert merged.main == "main.py" and merged.sources == ("main.py", "solve.py")


def test_runner_entrypoint_key_accepts_only_the_folder_placeholder(tmp_path):
    (tmp_path / "runner.yaml").write_text("name: x\nextensions: [x]\nrun: [x]\nentrypoint: ['{name}.x']\n")
    with pytest.raises(JudgeInputError, match=r"'entrypoint' may use only the placeholder \{folder\}"):
        load_language(tmp_path)


def test_a_folder_in_a_verdict_folder_is_one_submission(tmp_path, languages):
    from judge.inputs.submissions import from_folder

    root = folder(
        tmp_path,
        "submissions",
        {"accepted/sol.py": "", "accepted/multi/main.c": "", "accepted/multi/x.h": "", "wrong_answer/docs/a.txt": ""},
    )
    batch = from_folder(root, "p", languages)
    assert [(s.id, s.path.name, s.expected) for s in batch.submissions] == [
        ("accepted/multi", "multi", "AC"),
        ("accepted/sol.py", "sol.py", "AC"),
    ]
    assert batch.skipped == ["wrong_answer/docs/: no source file of a known language"]


def test_in_a_package_a_folder_outside_the_verdict_folders_is_one_submission(tmp_path, languages):
    """Spec 2025-09 "Example submissions": every file or folder directly in a folder of submissions/ (brute_force/,
    the package's own) is one submission; elsewhere the first level names a team and each file is one."""
    from judge.inputs.submissions import from_folder

    files = {"brute_force/multi/main.py": "", "brute_force/multi/util.py": "", "mine/one.c": "", "accepted/a/m.c": ""}
    root = folder(tmp_path, "submissions", files)
    batch = from_folder(root, "p", languages, package=True)
    assert [(s.id, s.expected, s.team) for s in batch.submissions] == [
        ("accepted/a", "AC", ""),
        ("brute_force/multi", None, ""),
        ("mine/one.c", None, ""),
    ]
    teams = from_folder(root, "p", languages)  # a contest's folders: teams
    assert ("brute_force/multi/main.py", "brute_force") in [(s.id, s.team) for s in teams.submissions]


def test_submissions_yaml_names_language_and_entry_point(tmp_path):
    from judge.batch.packagecheck import with_metadata
    from judge.inputs.submissions import Submission
    from judge.inputs.submissionsyaml import default_rules, parse_submissions_yaml
    from judge.judging.expectations import expectation_for

    spec = parse_submissions_yaml(
        tmp_path, {"accepted": {"language": "python3"}, "accepted/multi": {"entrypoint": "b.py"}}
    )
    defaults = default_rules(legacy=False)

    def sub(ident: str) -> Submission:
        return with_metadata(Submission(ident, tmp_path, "p"), expectation_for(ident, spec, defaults))

    assert (sub("accepted/multi").language, sub("accepted/multi").entrypoint) == ("python3", "b.py")
    assert sub("wrong_answer/x.py").entrypoint is None and sub("wrong_answer/x.py").language is None


def test_every_runner_command_fills_in(languages):
    for language in languages.values():
        for template in (language.compile, language.run, language.program_build, language.program_run):
            if template:
                assert language.command(template, "main.x", 256 << 20, ("a.x", "b.x"), "E")
    assert any(language.program_build and language.program_run for language in languages.values())
