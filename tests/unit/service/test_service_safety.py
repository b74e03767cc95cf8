"""``judge serve``'s rate limit and metrics text as pure rules (no server, no engine)."""

import pytest

from judge.grading.warm import WarmStats
from judge.service.safety import Metrics, Rate, RateLimiter, retry_after


@pytest.mark.parametrize(
    ("text", "rate"),
    [("600/min", Rate(600, 60.0)), ("5/s", Rate(5, 1.0)), (" 10 / hour ", Rate(10, 3600.0)), ("off", Rate(0, 60.0))],
)
def test_rates_parse(text: str, rate: Rate) -> None:
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "5", "5/fortnight", "-1/min", "x/min"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_the_bucket_allows_the_rate_then_says_when_to_retry() -> None:
    now = [0.0]
    limiter = RateLimiter(Rate(3, 60.0), clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(20.0) and retry_after(limiter.take("a")) == "20"
    assert limiter.take("b") == 0.0  # each client has its own bucket
    now[0] = 20.0
    assert limiter.take("a") == 0.0 and limiter.take("a") > 0


def test_no_limit_never_waits() -> None:
    limiter = RateLimiter(Rate(0, 60.0))
    assert all(limiter.take("a") == 0.0 for _ in range(1000))


def test_metrics_count_by_api_language_and_verdict() -> None:
    metrics = Metrics()
    metrics.record("native", "python3", "AC", 1.5)
    metrics.record("native", "python3", "AC", 0.5)
    metrics.record("judge0", 'c"x', "WA", 1.0)
    text = metrics.render(queued=2, busy=1, slots=4, rate_limited=3)
    assert 'judge_serve_submissions_total{api="native",language="python3",verdict="AC"} 2' in text
    assert 'judge_serve_submission_seconds_sum{api="native",language="python3"} 2.000000' in text
    assert 'language="c\\"x"' in text
    assert "judge_serve_queue_length 2\n" in text and "judge_serve_rate_limited_total 3\n" in text


def test_pool_sizes_are_a_gauge_by_language_and_four_counters() -> None:
    pool = WarmStats({"python3": 2, "c": 0}, started=7, used=4, missed=1, discarded=1)
    text = Metrics().render(0, 0, 1, 0, pool)
    samples = [line for line in text.splitlines() if line.startswith("judge_serve_pool")]
    assert samples == [
        'judge_serve_pool_warm{language="c"} 0',
        'judge_serve_pool_warm{language="python3"} 2',
        "judge_serve_pool_started_total 7",
        "judge_serve_pool_used_total 4",
        "judge_serve_pool_missed_total 1",
        "judge_serve_pool_discarded_total 1",
    ]
    assert "# TYPE judge_serve_pool_warm gauge" in text and "# TYPE judge_serve_pool_used_total counter" in text
    assert "judge_serve_pool" not in Metrics().render(0, 0, 1, 0)  # no pool (--warm 0): no pool lines
