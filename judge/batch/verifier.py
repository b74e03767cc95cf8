"""The parts of the setter's verifier (``judge problem check``, issue #29) that run no program: package lint
(judge.inputs.packagelint), the input validators found (judge.inputs.inputvalidators) and what submissions.yaml and
the submission folders ask that can be told before grading (judge.judging.expectations ``static_findings``). The
parts that run programs (input validators, answers through the output validator, validation test data,
submissions against their expectations) are planned in docs/verifier-plan.md.
"""

from pathlib import Path

from judge.errors import JudgeInputError
from judge.inputs.findings import Finding
from judge.inputs.inputvalidators import find_input_validators
from judge.inputs.packagelint import case_names, lint
from judge.inputs.submissionsyaml import (
    default_rules,
    expected_results_tag,
    package_submission_paths,
    read_submissions_yaml,
)
from judge.inputs.yamlfile import load_mapping
from judge.judging.expectations import static_findings


def _kind(package: Path) -> tuple[bool, bool]:
    """(legacy, scoring) from problem.yaml, read leniently: lint reports what is wrong with it."""
    try:
        meta = load_mapping(package / "problem.yaml", missing_ok=True)
    except JudgeInputError:
        return True, False
    legacy = str(meta.get("problem_format_version", "legacy")).startswith("legacy")
    kind = meta.get("type") or ""
    words = [str(w) for w in kind] if isinstance(kind, list) else str(kind).split()
    return legacy, "scoring" in words or "score" in str(meta.get("validation") or "").split()


def submission_findings(package: Path) -> list[Finding]:
    """The static submissions check; a submissions.yaml or tag that cannot be read is a JudgeInputError."""
    legacy, scoring = _kind(package)
    defaults = default_rules(legacy=legacy)
    submissions = package_submission_paths(package)
    tags = {}
    for sub in submissions:
        if sub.split("/")[0] not in defaults:  # DOMjudge reads the tag outside its official folders only
            tag = expected_results_tag(package / "submissions" / sub)
            if tag is not None:
                tags[sub] = tag
    spec = read_submissions_yaml(package)
    return static_findings(spec, submissions, case_names(package), defaults, tags, scoring=scoring)


def static_check(package: Path, *, output_limit: int | None = None) -> list[Finding]:
    """Every finding the verifier makes without running a program."""
    validators = find_input_validators(package)[1]
    return lint(package, output_limit=output_limit) + validators + submission_findings(package)
