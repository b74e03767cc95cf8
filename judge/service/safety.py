"""``judge serve``'s guards beyond tokens: a rate limit per client (429 with Retry-After), and the counters that
``/metrics`` writes in the Prometheus text format."""

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from judge.grading.warm import WarmStats

RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour)\s*$")
PERIODS = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hour": 3600.0}


@dataclass(frozen=True)
class Rate:
    requests: int  # allowed per period; 0: no limit
    period: float  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """``N/min`` (or ``/s``, ``/hour``); ``0`` or ``off``: no limit. ValueError on anything else."""
        if text.strip() in ("0", "off", "none"):
            return cls(0, 60.0)
        found = RATE.match(text)
        if not found:
            raise ValueError(f"{text!r}: expected N/s, N/min or N/hour (or off)")
        return cls(int(found.group(1)), PERIODS[found.group(2)])


NO_LIMIT = Rate(0, 60.0)


class RateLimiter:
    """A token bucket per client key: ``rate.requests`` at once, refilled evenly over ``rate.period``."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.clock = rate, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens left, when counted)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it may (the Retry-After)."""
        if self.rate.requests <= 0:
            return 0.0
        per_second = self.rate.requests / self.rate.period
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (float(self.rate.requests), now))
            tokens = min(float(self.rate.requests), tokens + (now - then) * per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # forget full buckets: they are what a new key gets
                self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.rate.requests}
            return (1.0 - tokens) / per_second


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class Metrics:
    """Counters of finished submissions since the server started, by API, language and verdict."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.finished: dict[tuple[str, str, str], int] = {}
        self.seconds: dict[tuple[str, str], tuple[float, int]] = {}  # (api, language) -> (sum, count)

    def record(self, api: str, language: str, verdict: str, seconds: float) -> None:
        with self._lock:
            key = (api, language, verdict)
            self.finished[key] = self.finished.get(key, 0) + 1
            total, count = self.seconds.get((api, language), (0.0, 0))
            self.seconds[(api, language)] = (total + seconds, count + 1)

    def render(self, queued: int, busy: int, slots: int, rate_limited: int, pool: WarmStats | None = None) -> str:
        lines = [
            "# HELP judge_serve_queue_length Submissions waiting for a slot.",
            "# TYPE judge_serve_queue_length gauge",
            f"judge_serve_queue_length {queued}",
            "# HELP judge_serve_slots_busy Slots running a submission now.",
            "# TYPE judge_serve_slots_busy gauge",
            f"judge_serve_slots_busy {busy}",
            "# HELP judge_serve_slots Slots (-j).",
            "# TYPE judge_serve_slots gauge",
            f"judge_serve_slots {slots}",
            "# HELP judge_serve_rate_limited_total Requests answered 429.",
            "# TYPE judge_serve_rate_limited_total counter",
            f"judge_serve_rate_limited_total {rate_limited}",
            "# HELP judge_serve_submissions_total Submissions finished, by API, language and verdict.",
            "# TYPE judge_serve_submissions_total counter",
        ]
        with self._lock:
            for (api, language, verdict), count in sorted(self.finished.items()):
                lines.append(
                    f"judge_serve_submissions_total{_labels(api=api, language=language, verdict=verdict)} {count}"
                )
            lines += [
                "# HELP judge_serve_submission_seconds Time from claim to result, by API and language.",
                "# TYPE judge_serve_submission_seconds summary",
            ]
            for (api, language), (total, count) in sorted(self.seconds.items()):
                labels = _labels(api=api, language=language)
                lines.append(f"judge_serve_submission_seconds_sum{labels} {total:.6f}")
                lines.append(f"judge_serve_submission_seconds_count{labels} {count}")
        if pool is not None:
            lines += pool_lines(pool)
        return "\n".join(lines) + "\n"


POOL_COUNTERS = (
    ("started", "Containers the warm pool started ahead."),
    ("used", "Submissions that ran in a container started ahead."),
    ("missed", "Submissions that found no started container ready and started their own."),
    ("discarded", "Containers started ahead and removed unused (engine gone, stopped, or their spec out of use)."),
)


def pool_lines(pool: WarmStats) -> list[str]:
    """The warm pool's gauge (containers waiting, by language) and counters."""
    lines = [
        "# HELP judge_serve_pool_warm Started containers waiting for a submission, by language.",
        "# TYPE judge_serve_pool_warm gauge",
    ]
    for language, count in sorted(pool.waiting.items()):
        lines.append(f"judge_serve_pool_warm{_labels(language=language)} {count}")
    for name, text in POOL_COUNTERS:
        lines += [
            f"# HELP judge_serve_pool_{name}_total {text}",
            f"# TYPE judge_serve_pool_{name}_total counter",
            f"judge_serve_pool_{name}_total {getattr(pool, name)}",
        ]
    return lines


def _labels(**values: str) -> str:
    escaped = (
        f'{key}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34)).replace(chr(10), "")}"'
        for key, value in values.items()
    )
    return "{" + ",".join(escaped) + "}"
