"""Package lint (judge.inputs.packagelint): a clean package written from the spec has no finding, and each package
below breaks one rule of the spec and gets exactly that finding, naming the file (pure: files in tmp_path)."""

import os
from pathlib import Path

import pytest

from judge.inputs.findings import Finding, Severity
from judge.inputs.packagelint import lint

CLEAN = {
    "problem.yaml": "problem_format_version: 2025-09\nname: Sum\nuuid: 3f1e2a9c\nlimits:\n  time_limit: 2\n",
    "data/sample/1.in": "1 2\n",
    "data/sample/1.ans": "3\n",
    "data/secret/1.in": "5 6\n",
    "data/secret/1.ans": "11\n",
    "input_validators/validate.py": "import sys\nsys.exit(42)\n",
    "submissions/accepted/sum.py": "print(sum(map(int, input().split())))\n",
    "statement/problem.en.md": "# Sum\n",
}
LEGACY_YAML = "name: Sum\n"


def package(tmp_path: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """The clean package with ``changes``: a file's new text (or bytes), or None to remove it."""
    root = tmp_path / "sum"
    files: dict[str, str | bytes | None] = {**CLEAN, **(changes or {})}
    for name, text in files.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return root


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def test_a_clean_package_has_no_findings(tmp_path):
    assert lint(package(tmp_path)) == []


def test_a_clean_legacy_package_has_no_findings(tmp_path):
    root = package(
        tmp_path,
        {
            "problem.yaml": LEGACY_YAML,
            "data/secret/testdata.yaml": "on_reject: continue\n",
            "statement/problem.en.md": None,
            "problem_statement/problem.tex": "\\problemname{Sum}\n",
        },
    )
    assert lint(root) == []


@pytest.mark.parametrize(
    ("changes", "severity", "path", "message"),
    [
        # "Test cases": every .in has its .ans, every other file its .in
        ({"data/secret/1.ans": None}, "error", "data/secret/1.in", "no 1.ans for this input"),
        ({"data/secret/2.ans": "1\n"}, "error", "data/secret/2.ans", "no 2.in: the other files of a test case need"),
        ({"data/secret/1.hint": "x\n", "data/secret/2.desc": "y\n"}, "error", "data/secret/2.desc", "no 2.in"),
        ({"data/secret/1.txt": "x\n"}, "warning", "data/secret/1.txt", "not a file of a test case"),
        ({"data/secret/test_group.in": "1\n", "data/secret/test_group.ans": "1\n"}, "error",
         "data/secret/test_group.in", "must not be named test_group"),
        ({"data/secret/1/a.in": "1\n", "data/secret/1/a.ans": "1\n"}, "error", "data/secret/1",
         "a folder with the name of test case 1"),
        # "Problem package structure overview"
        ({"data/secret/1.in": None, "data/secret/1.ans": None}, "error", "data/secret", "no data/secret/"),
        ({"data/sample/1.in": None, "data/sample/1.ans": None}, "warning", "data/sample", "no data/sample/"),
        ({"submissions/accepted/sum.py": None, "submissions/wrong_answer/a.py": "print(0)\n"}, "error",
         "submissions/accepted", "no accepted submission"),
        # "Test data groups"
        ({"data/secret/1.in": None, "data/secret/1.ans": None, "data/secret/g1/test_group.yaml": "max_score: 10\n",
          "data/secret/g2/test_group.yaml": "", "data/secret/g2/1.in": "1\n", "data/secret/g2/1.ans": "1\n"},
         "error", "data/secret/g1", "empty test data group"),
        ({"data/secret/g1/test_group.yaml": "", "data/secret/g1/1.in": "1\n", "data/secret/g1/1.ans": "1\n"},
         "error", "data/secret", "holds test data groups and test cases directly"),
        ({"data/sample/g/test_group.yaml": "", "data/sample/g/2.in": "1\n", "data/sample/g/2.ans": "1\n"},
         "error", "data/sample/g", "data/sample/ must not hold test data groups"),
        # "General requirements": text files, names
        ({"data/secret/1.ans": b"11\r\n"}, "warning", "data/secret/1.ans", "has CR line ends (1 CR)"),
        ({"data/secret/1.ans": b"11"}, "warning", "data/secret/1.ans", "no newline at the end"),
        ({"data/secret/1.in": b"\xff\xfe 6\n"}, "warning", "data/secret/1.in", "not UTF-8 (byte 0)"),
        ({"problem.yaml": b"\xef\xbb\xbf" + CLEAN["problem.yaml"].encode()}, "error", "problem.yaml",
         "starts with a byte-order mark"),
        ({"data/secret/a b.in": "1\n"}, "warning", "data/secret/a b.in", "name does not match"),
        ({"data/extra/1.in": "1\n", "data/extra/1.ans": "1\n"}, "warning", "data/extra", "is not one of sample"),
        # "Problem metadata", "Test data configuration", "Test case configuration": unknown keys
        ({"problem.yaml": CLEAN["problem.yaml"] + "licence: cc0\n"}, "error", "problem.yaml",
         "unknown key 'licence' (did you mean 'license'?)"),
        ({"problem.yaml": CLEAN["problem.yaml"] + "  memroy: 512\n"}, "error", "problem.yaml",
         "limits: unknown key 'memroy' (did you mean 'memory'?)"),
        ({"problem.yaml": CLEAN["problem.yaml"] + "validation: custom\n"}, "warning", "problem.yaml",
         "key 'validation' is not a 2025-09 key"),
        ({"data/secret/test_group.yaml": "max_scor: 5\n"}, "error", "data/secret/test_group.yaml",
         "unknown key 'max_scor' (did you mean 'max_score'?)"),
        ({"data/secret/1.yaml": "hnt: think\n"}, "error", "data/secret/1.yaml",
         "unknown key 'hnt' (did you mean 'hint'?)"),
        ({"data/secret/testdata.yaml": "args: [x]\n"}, "warning", "data/secret/testdata.yaml",
         "the 2025-09 format names this file test_group.yaml"),
        ({"data/secret/test_group.yaml": "a: [\n"}, "error", "data/secret/test_group.yaml", "invalid YAML"),
        ({"problem.yaml": "- a list\n"}, "error", "problem.yaml", "expected a mapping"),
        ({"problem.yaml": None}, "error", "problem.yaml", "missing: every package has a problem.yaml"),
        # "Problem metadata" values, "Type"
        ({"problem.yaml": CLEAN["problem.yaml"].replace("uuid: 3f1e2a9c\n", "")}, "error", "problem.yaml",
         "'uuid' is required"),
        ({"problem.yaml": CLEAN["problem.yaml"].replace("2025-09", "2024-01")}, "error", "problem.yaml",
         "unknown problem_format_version '2024-01'"),
        ({"problem.yaml": CLEAN["problem.yaml"] + "type: [scoring, pass-fail]\n"}, "error", "problem.yaml",
         "type pass-fail and scoring do not go together"),
        ({"problem.yaml": CLEAN["problem.yaml"] + "type: interactve\n"}, "error", "problem.yaml",
         "unknown type 'interactve'"),
        # "Problem statements", sample interactions
        ({"statement/problem.en.md": None, "statement/notes.md": "x\n"}, "warning", "statement",
         "no statement/problem.<language>.tex|.md|.pdf"),
        ({"problem.yaml": CLEAN["problem.yaml"] + "type: interactive\n", "data/sample/1.interaction": "> 1 2\n3\n"},
         "error", "data/sample/1.interaction", "line 2 starts with neither '<' nor '>'"),
        # "Problem timing"
        ({"problem.yaml": CLEAN["problem.yaml"] + "  time_resolution: 0.5\n  time_limit: 1.25\n"}, "error",
         "problem.yaml", "time_limit 1.25 is not a multiple of time_resolution 0.5"),
        ({"problem.yaml": CLEAN["problem.yaml"] + "  time_multipliers: {ac_to_time_limit: 0.5}\n"}, "error",
         "problem.yaml", "limits.time_multipliers.ac_to_time_limit is 0.5: it must be at least 1"),
        # "Limits": an answer no submission can print
        ({"problem.yaml": CLEAN["problem.yaml"] + "  output: 1\n", "data/secret/1.ans": "1" * (1024 * 1024) + "\n"},
         "error", "data/secret/1.ans", "over the output limit of 1 MiB"),
        # duplicate inputs
        ({"data/secret/2.in": "1 2\n", "data/secret/2.ans": "3\n"}, "warning", "data/secret/2.in",
         "same input as data/sample/1.in"),
    ],
)  # fmt: skip
def test_one_rule_broken_one_finding(tmp_path, changes, severity, path, message):
    changes = dict(changes)
    if "problem.yaml" in changes and "time_limit: 1.25" in str(changes["problem.yaml"]):
        changes["problem.yaml"] = str(changes["problem.yaml"]).replace("  time_limit: 2\n", "", 1)
    finding = only(lint(package(tmp_path, changes)))
    assert (finding.severity, finding.part, finding.path) == (Severity(severity), "lint", path)
    assert message in finding.message, finding.message


def test_the_same_input_with_other_args_is_no_duplicate(tmp_path):
    root = package(
        tmp_path, {"data/secret/2.in": "1 2\n", "data/secret/2.ans": "3\n", "data/secret/2.yaml": "args: [x]\n"}
    )
    assert lint(root) == []


def test_symlinks_dangling_and_escaping(tmp_path):
    root = package(tmp_path)
    os.symlink("../../nowhere.in", root / "data/secret/2.in")
    (tmp_path / "outside.ans").write_text("1\n")
    os.symlink(tmp_path / "outside.ans", root / "data/secret/1.out")
    os.symlink("1.in", root / "data/secret/3.in")  # inside the package: fine, but needs its .ans
    (root / "data/secret/3.ans").write_text("1\n")
    findings = sorted((f.path, f.message) for f in lint(root))
    assert findings == [
        ("data/secret/1.out", f"symlink to {tmp_path / 'outside.ans'} leaves the package"),
        ("data/secret/2.in", "dangling symlink to ../../nowhere.in"),
    ]


def test_validation_test_data_folders(tmp_path):
    """Spec "Validation test data": invalid_input has only .in; invalid_output and valid_output need .ans and .out."""
    root = package(
        tmp_path,
        {
            "data/invalid_input/neg.in": "-1\n",
            "data/invalid_input/big.in": "1\n",
            "data/invalid_input/big.ans": "1\n",
            "data/invalid_output/w.in": "1 2\n",
            "data/invalid_output/w.ans": "3\n",
            "data/valid_output/v.in": "1 2\n",
            "data/valid_output/v.ans": "3\n",
            "data/valid_output/v.out": "3\n",
        },
    )
    findings = sorted((f.severity, f.path, f.message) for f in lint(root))
    assert findings == [
        (Severity.ERROR, "data/invalid_output/w.in", "no w.out for this input"),
        (Severity.WARNING, "data/invalid_input/big.ans", "invalid_input/ has no .ans files (spec 'Invalid input')"),
    ]


def test_legacy_rules(tmp_path):
    """legacy.md: testdata.yaml and its keys; any folder is a group, and an empty one is an error; a sample
    .interaction may stand alone."""
    root = package(
        tmp_path,
        {
            "problem.yaml": LEGACY_YAML + "validation: custom\nlimits:\n  time_multiplier: 3\n",
            "problem_statement/problem.en.tex": "\\problemname{Sum}\n",
            "data/secret/g1/testdata.yaml": "on_rejct: break\n",
            "data/sample/extra.interaction": "< 1\n> 2\n",
            "data/secret/g2/test_group.yaml": "",
        },
    )
    findings = sorted((f.severity, f.path, f.message) for f in lint(root))
    assert findings == [
        (Severity.ERROR, "data/secret/g1", "empty test data group: no test case in it"),
        (Severity.ERROR, "data/secret/g1/testdata.yaml", "unknown key 'on_rejct' (did you mean 'on_reject'?)"),
        (Severity.ERROR, "data/secret/g2", "empty test data group: no test case in it"),
        (Severity.WARNING, "data/secret/g2/test_group.yaml", "the legacy format names this file testdata.yaml"),
    ]


def test_a_legacy_markdown_statement(tmp_path):
    root = package(tmp_path, {"problem.yaml": LEGACY_YAML, "statement/problem.en.md": None,
                              "problem_statement/problem.en.md": "# Sum\n"})  # fmt: skip
    assert [(f.path, f.message) for f in lint(root)] == [
        ("problem_statement/problem.en.md", "a legacy statement is .tex or .pdf")
    ]


def test_a_multi_pass_interaction_separates_passes(tmp_path):
    yaml = CLEAN["problem.yaml"] + "type: multi-pass\n"
    root = package(tmp_path, {"problem.yaml": yaml, "data/sample/1.interaction": "< 1\n> 2\n---\n< 3\n> 4\n"})
    assert lint(root) == []


def test_a_bad_package_folder_name_is_a_warning(tmp_path):
    root = package(tmp_path)
    renamed = root.rename(tmp_path / "Sum_1")
    assert [(f.path, f.message) for f in lint(renamed)] == [
        ("", "package folder name 'Sum_1' is not lowercase letters a-z and digits 0-9")
    ]
