"""judge.yaml ``timing``: defaults, the overshoot and band rules, and one-line errors naming judge.yaml."""

import pytest

from judge.errors import JudgeInputError
from judge.inputs.settings import Timing, load_settings


def settings_with(tmp_path, text):
    path = tmp_path / "judge.yaml"
    path.write_text(text)
    return load_settings(path)


def test_defaults_are_domjudges_overshoot_and_a_ten_percent_band(tmp_path):
    timing = settings_with(tmp_path, "{}\n").timing
    assert timing == Timing()
    assert timing.hard_limit(2.0) == pytest.approx(3.0)  # +1 s beats +10 %
    assert timing.hard_limit(20.0) == pytest.approx(22.0)  # +10 % beats +1 s
    assert timing.borderline(1.95, 2.0) and timing.borderline(2.2, 2.0)
    assert not timing.borderline(1.79, 2.0) and not timing.borderline(2.21, 2.0)


def test_values_are_read(tmp_path):
    timing = settings_with(
        tmp_path, "timing: {time_multiplier: 1.5, overshoot_extra: 2, band: 0.05, reruns: 0, cores: [0, 2]}\n"
    ).timing
    assert (timing.time_multiplier, timing.overshoot_extra, timing.band, timing.reruns, timing.cores) == (
        1.5,
        2.0,
        0.05,
        0,
        (0, 2),
    )


@pytest.mark.parametrize(
    "text, key",
    [
        ("timing: {time_multiplier: 0}", "timing.time_multiplier"),
        ("timing: {time_multiplier: -1}", "timing.time_multiplier"),
        ("timing: {time_multiplier: fast}", "timing.time_multiplier"),
        ("timing: {band: 0}", "timing.band"),
        ("timing: {band: .nan}", "timing.band"),
        ("timing: {overshoot_extra: -1}", "timing.overshoot_extra"),
        ("timing: {overshoot_factor: 0}", "timing.overshoot_factor"),
        ("timing: {reruns: -1}", "timing.reruns"),
        ("timing: {cores: 3}", "timing.cores"),
    ],
)
def test_bad_values_name_judge_yaml_and_the_key(tmp_path, text, key):
    with pytest.raises(JudgeInputError) as err:
        settings_with(tmp_path, text + "\n")
    message = str(err.value)
    assert message.startswith(str(tmp_path / "judge.yaml")) and key in message and "\n" not in message
