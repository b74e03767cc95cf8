"""What the setter's verifier (``judge problem check``) finds wrong with a package: one ``Finding`` per problem.

A finding is an error (the package breaks the spec: exit 1) or a warning (the spec says "should", or a tool would
warn: exit 0 unless warnings are errors, ``-e``). ``part`` is the check that found it, the names ``--only`` takes;
``path`` the file it is about, relative to the package (``""`` for the package itself). Formatting is in
judge.report.findings.
"""

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


PARTS = ("lint", "data", "validators", "submissions", "timing")  # in the order a report shows them


@dataclass(frozen=True, order=True)
class Finding:
    severity: Severity
    part: str  # one of PARTS
    path: str  # relative to the package, "/"-separated; "" for the package as a whole
    message: str

    @classmethod
    def error(cls, part: str, path: str, message: str) -> "Finding":
        return cls(Severity.ERROR, part, path, message)

    @classmethod
    def warning(cls, part: str, path: str, message: str) -> "Finding":
        return cls(Severity.WARNING, part, path, message)
