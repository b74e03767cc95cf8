"""Language names: aliases (ambiguous ones are input errors naming both), extension priority, runners_dir lists;
a runner's build files (its folder plus the ``shared_files`` of the runners folder's _shared/) and their hash."""

import pickle
from dataclasses import replace
from pathlib import Path, PurePosixPath

import pytest

from judge.errors import JudgeInputError
from judge.inputs.languages import Languages, canonical_name, extension, language_for, load_language, load_languages
from judge.inputs.settings import load_settings
from judge.sandbox.images import build_context

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def languages():
    return load_languages(load_settings(ROOT / "judge.yaml"))


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("python", "python3"),
        ("py", "python3"),
        ("PY3", "python3"),
        ("c++", "cpp"),
        ("g++", "cpp"),
        ("js", "javascript"),
        ("node", "javascript"),
        ("kt", "kotlin"),
        ("rs", "rust"),
        ("golang", "go"),
        ("cs", "csharp"),
        ("c#", "csharp"),
        ("hs", "haskell"),
        ("pypy", "pypy3"),
        ("python3", "python3"),
    ],
)
def test_alias_names_its_language(languages, alias, name):
    assert alias in languages
    assert languages[alias].name == name
    assert canonical_name(alias, languages) == name
    assert language_for(Path("x.txt"), languages, alias).name == name


def test_iteration_yields_names_only(languages):
    assert "py" not in list(languages) and "python3" in list(languages)


def test_ambiguous_alias_is_an_error_naming_both(languages):
    assert "pl" in languages
    with pytest.raises(JudgeInputError) as error:
        language_for(Path("x.pl"), languages, "pl")
    assert "perl" in str(error.value) and "prolog" in str(error.value)


def test_unknown_language_is_an_input_error(languages):
    assert "cobol2" not in languages and languages.get("cobol2") is None
    with pytest.raises(JudgeInputError, match="unknown language 'cobol2'"):
        language_for(Path("x.py"), languages, "cobol2")


def test_shared_extension_goes_to_the_highest_priority(languages):
    assert language_for(Path("a.py"), languages).name == "python3"  # not pypy3
    assert language_for(Path("a.pl"), languages).name == "perl"  # not prolog
    assert language_for(Path("a.pro"), languages).name == "prolog"


def test_equal_priority_on_one_extension_is_an_error(tmp_path):
    for name in ("one", "two"):
        (tmp_path / "runners" / name).mkdir(parents=True)
        (tmp_path / "runners" / name / "runner.yaml").write_text(f"name: {name}\nextensions: [zz]\nrun: [x]\n")
    (tmp_path / "judge.yaml").write_text("runners_dir: [runners]\n")
    found = load_languages(load_settings(tmp_path / "judge.yaml"))
    with pytest.raises(JudgeInputError, match="claimed by one and two"):
        language_for(Path("a.zz"), found)


def test_runners_dir_list_is_searched_in_order_then_the_shipped_runners(tmp_path):
    course = tmp_path / "course-runners" / "python3"
    course.mkdir(parents=True)
    (course / "runner.yaml").write_text("name: python3\nextensions: [py]\nrun: [python3, '{source}']\n")
    (tmp_path / "judge.yaml").write_text("runners_dir: [course-runners]\n")
    settings = load_settings(tmp_path / "judge.yaml")
    assert settings.runner_folders[0] == tmp_path / "course-runners"
    found = load_languages(settings)
    assert found["python3"].folder == course  # the course's runner wins
    assert "cpp" in found  # the shipped runners come after it


def test_runners_dir_naming_a_missing_folder_is_an_input_error(tmp_path):
    (tmp_path / "judge.yaml").write_text("runners_dir: [nowhere]\n")
    with pytest.raises(JudgeInputError, match="nowhere"):
        load_settings(tmp_path / "judge.yaml")


def test_contest_languages_accept_aliases(tmp_path, languages):
    from judge.inputs.submissions import from_contest

    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "A.py").write_text("print(1)\n")
    (tmp_path / "subs" / "A.cpp").write_text("int main() {}\n")
    (tmp_path / "subs" / "A.rb").write_text("puts 1\n")
    contest = tmp_path / "contest.yaml"
    contest.write_text("problems: {A: '1'}\nsubmissions: subs\nlanguages: [python, c++]\n")
    batch = from_contest(contest, languages)
    assert sorted(s.path.name for s in batch.submissions) == ["A.cpp", "A.py"]
    assert any("A.rb" in line and "ruby" in line for line in batch.skipped)


def runners_with_a_shared_file(root: Path, shared: str = "[tool.sh]") -> Path:
    (root / "_shared").mkdir(parents=True)
    (root / "_shared" / "tool.sh").write_text("echo one\n")
    for name, listed in (("uses", f"shared_files: {shared}\n"), ("alone", "")):
        (root / name).mkdir()
        (root / name / "runner.yaml").write_text(f"name: {name}\nextensions: [{name}]\nrun: [x]\n{listed}")
        (root / name / "Dockerfile").write_text("FROM scratch\nCOPY tool.sh /tool.sh\n")
    return root


def test_the_jvm_runners_are_built_with_one_compile_script():
    for name in ("java", "kotlin", "scala"):
        language = load_language(ROOT / "runners" / name)
        assert language.shared_files == ("compile-jvm.py",)
        assert language.build_files()["compile-jvm.py"] == ROOT / "runners" / "_shared" / "compile-jvm.py"
        assert not (language.folder / "compile-jvm.py").exists()


def test_editing_a_shared_file_makes_only_the_images_using_it_stale(tmp_path):
    root = runners_with_a_shared_file(tmp_path)
    uses, alone = load_language(root / "uses"), load_language(root / "alone")
    before = uses.definition_hash(), alone.definition_hash()
    (root / "_shared" / "tool.sh").write_text("echo two\n")
    assert uses.definition_hash() != before[0] and alone.definition_hash() == before[1]


def test_the_build_context_is_the_folder_but_runner_yaml_plus_the_shared_files(tmp_path):
    uses = load_language(runners_with_a_shared_file(tmp_path) / "uses")
    with build_context(uses) as context:
        assert sorted(p.name for p in context.iterdir()) == ["Dockerfile", "tool.sh"]
        assert (context / "tool.sh").read_text() == "echo one\n"


@pytest.mark.parametrize(("listed", "error"), [("[gone.sh]", "_shared/gone.sh not found"), ("[../x]", "file names")])
def test_a_shared_file_missing_or_not_a_plain_name_is_an_input_error(tmp_path, listed, error):
    root = runners_with_a_shared_file(tmp_path, listed)
    with pytest.raises(JudgeInputError, match=error):
        load_language(root / "uses")


@pytest.mark.parametrize("name", ["a.py", "a.PY", ".bashrc", "a.", "a..", "..a", "a.b.c", "x.y/z", "dir/a.cpp", ""])
def test_extension_is_the_paths_suffix(name):
    assert extension(name) == PurePosixPath(name).suffix.lstrip(".").lower()


def test_a_registry_remembers_each_extension_and_a_new_language_forgets(languages):
    registry = Languages(dict(languages))
    first = registry.for_file(Path("a.py"))
    assert registry.for_file(Path("b/c.PY")) is first and registry.by_extension("d.py") is registry.by_extension("e.py")
    assert registry.for_file(Path("a.txt"), "py") is first  # an alias named with the file wins over its extension
    registry["python9"] = replace(first, name="python9", priority=first.priority + 1)
    assert registry.for_file(Path("a.py")).name == "python9"
    with pytest.raises(JudgeInputError, match=r"unknown file extension '\.ZZ'"):
        registry.for_file(Path("a.ZZ"))
    assert pickle.loads(pickle.dumps(registry)).for_file(Path("a.py")).name == "python9"
