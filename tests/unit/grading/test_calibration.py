"""judge calibrate's arithmetic and the coordinator's warning about workers of different speeds."""

import pytest

from judge.batch.dask import speed_warning
from judge.cli.calibrate import calibration_lines
from judge.grading.calibrate import REFERENCE, Calibration, ProgramTiming, load_reference


def test_the_ratio_is_the_geometric_mean_of_the_programs_fastest_runs():
    calibration = Calibration(
        [ProgramTiming("c", [0.52, 0.50, 0.55], 0.25), ProgramTiming("python3", [0.5, 0.6], 1.0)], "ref"
    )
    assert calibration.programs[0].ratio == pytest.approx(2.0)
    assert calibration.ratio == pytest.approx(1.0)  # sqrt(2.0 x 0.5)
    lines = calibration_lines(calibration)
    assert "1.000 x the reference" in lines[-2] and "time_multiplier: 1.00" in lines[-1]


def test_without_a_reference_there_is_no_ratio():
    calibration = Calibration([ProgramTiming("c", [0.5], None)])
    assert calibration.ratio is None
    assert "--record" in calibration_lines(calibration)[-1]


def test_the_recorded_reference_covers_the_four_languages():
    times, machine = load_reference(REFERENCE)
    assert set(times) == {"c", "cpp", "java", "python3"} and all(t > 0 for t in times.values()) and machine


def test_workers_within_ten_percent_are_quiet_and_beyond_it_named():
    assert speed_warning({"w1": 1.0, "w2": 1.09, "w3": None}) is None
    assert speed_warning({"w1": 1.0}) is None
    warning = speed_warning({"w1": 1.0, "w2": 1.25, "w3": 1.05})
    assert warning is not None and "25 %" in warning and "w1 1.00" in warning and "w2 1.25" in warning
