"""The default (ICPC) output validator: pure logic."""

import pytest

from judge.judging.validation import ValidatorFlags, default_validator

DEFAULT = ValidatorFlags()


def check(out: bytes, ans: bytes, flags: ValidatorFlags = DEFAULT, reveal: bool = True):
    return default_validator(out, ans, flags, reveal=reveal)


def test_tokens_ignore_whitespace_changes():
    assert check(b"1  2\n\n3", b"1 2 3\n").accepted


def test_case_insensitive_by_default_and_sensitive_on_request():
    assert check(b"YES", b"yes").accepted
    assert not check(b"YES", b"yes", ValidatorFlags(case_sensitive=True)).accepted


def test_space_change_sensitive():
    flags = ValidatorFlags(space_change_sensitive=True)
    assert check(b"1 2\n", b"1 2\n", flags).accepted
    result = check(b"1  2\n", b"1 2\n", flags)
    assert not result.accepted and "whitespace" in result.message


def test_wrong_token_message_reveals_only_when_allowed():
    shown = check(b"5", b"6", reveal=True)
    hidden = check(b"5", b"6", reveal=False)
    assert not shown.accepted and "'6'" in shown.message
    assert not hidden.accepted and "'6'" not in hidden.message and "'5'" in hidden.message


def test_missing_and_extra_output():
    assert "ends early" in check(b"1", b"1 2").message
    assert "extra output" in check(b"1 2 3", b"1 2").message
    assert not check(b"", b"0").accepted


@pytest.mark.parametrize(
    ("words", "got", "want", "ok"),
    [
        (["float_tolerance", "1e-6"], b"3.1415927", b"3.14159265", True),
        (["float_tolerance", "1e-6"], b"3.1416", b"3.14159265", False),
        (["float_absolute_tolerance", "0.5"], b"10.4", b"10", True),
        (["float_relative_tolerance", "0.01"], b"1005", b"1000", True),
        (["float_relative_tolerance", "0.01"], b"1020", b"1000", False),
        (["float_tolerance", "1e-6"], b"abc", b"1.0", False),
        (["float_tolerance", "1e-6"], b"nan", b"1.0", False),
        ([], b"1.0", b"1", False),  # without tolerance, floats are text
    ],
)
def test_float_tolerances(words, got, want, ok):
    assert check(got, want, ValidatorFlags.parse(words)).accepted is ok


def test_flag_parsing_errors():
    with pytest.raises(ValueError, match="needs a value"):
        ValidatorFlags.parse(["float_tolerance"])
    with pytest.raises(ValueError, match="unknown"):
        ValidatorFlags.parse(["bogus"])


def test_binary_output_does_not_crash():
    assert not check(b"\x00\xff\xfe garbage", b"1").accepted
