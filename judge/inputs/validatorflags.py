"""The default output validator's flags as a problem package states them (problem.yaml ``validator_flags``,
testdata.yaml ``output_validator_args``): case_sensitive, space_change_sensitive and the float tolerances of the
ICPC/Kattis default output validator. Reading them is an input concern, so a typo is an error before grading;
applying them is judge.judging.validation's job."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ValidatorFlags:
    case_sensitive: bool = False
    space_change_sensitive: bool = False
    float_absolute: float | None = None
    float_relative: float | None = None

    @classmethod
    def parse(cls, words: list[str]) -> "ValidatorFlags":
        """Flags from validator arguments such as ``['float_tolerance', '1e-6']``; raises ValueError."""
        case_sensitive = space_change_sensitive = False
        float_absolute: float | None = None
        float_relative: float | None = None
        i = 0
        while i < len(words):
            word = words[i]
            if word == "case_sensitive":
                case_sensitive = True
            elif word == "space_change_sensitive":
                space_change_sensitive = True
            elif word in ("float_tolerance", "float_absolute_tolerance", "float_relative_tolerance"):
                if i + 1 >= len(words):
                    raise ValueError(f"'{word}' needs a value")
                tol = float(words[i + 1])
                if word != "float_relative_tolerance":
                    float_absolute = tol
                if word != "float_absolute_tolerance":
                    float_relative = tol
                i += 1
            else:
                raise ValueError(f"unknown validator flag '{word}'")
            i += 1
        return cls(case_sensitive, space_change_sensitive, float_absolute, float_relative)
