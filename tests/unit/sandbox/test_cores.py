"""The core allocator (judge.sandbox.cores): one grading per core across threads and processes; a claim waits."""

import dataclasses
import subprocess
import sys
import threading
import time

from judge.inputs.settings import Settings, Timing, load_settings
from judge.sandbox.cores import claimed_core, pinnable_cores


def two_cores(monkeypatch, tmp_path) -> Settings:
    monkeypatch.setenv("JUDGE_CORE_LOCKS", str(tmp_path / "locks"))
    return dataclasses.replace(load_settings(), timing=Timing(cores=(0, 1)))


def test_claims_get_distinct_cores_and_a_third_waits_for_one(monkeypatch, tmp_path):
    settings = two_cores(monkeypatch, tmp_path)
    assert pinnable_cores(settings) == (0, 1)
    got: list[str] = []
    waited = threading.Event()
    with claimed_core(settings) as first, claimed_core(settings) as second:
        assert {first, second} == {"0", "1"}

        def third() -> None:
            with claimed_core(settings, on_wait=waited.set) as cpu:
                got.append(cpu)

        thread = threading.Thread(target=third)
        thread.start()
        assert waited.wait(5) and not got  # both cores held: it waits
    thread.join(5)
    assert got and got[0] in {"0", "1"}


def test_another_process_holding_a_core_is_respected(monkeypatch, tmp_path):
    settings = two_cores(monkeypatch, tmp_path)
    (tmp_path / "locks").mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(tmp_path / 'locks' / 'cpu0.lock')!r}, os.O_RDONLY | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for _ in range(3):
            with claimed_core(settings) as cpu:
                assert cpu == "1"
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.05)
    with claimed_core(settings) as a, claimed_core(settings) as b:  # its claim went with it
        assert {a, b} == {"0", "1"}


def test_claims_that_do_not_spread_take_the_first_free_core(monkeypatch, tmp_path):
    """judge serve's executions without a compile step: one core in use while runs go one at a time (its warm
    containers are made for that core), the next one only while the first is held."""
    settings = two_cores(monkeypatch, tmp_path)
    for _ in range(3):
        with claimed_core(settings, spread=False) as cpu:
            assert cpu == "0"
    with claimed_core(settings, spread=False) as first, claimed_core(settings, spread=False) as second:
        assert (first, second) == ("0", "1")
