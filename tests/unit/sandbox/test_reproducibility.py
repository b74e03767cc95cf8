"""judge doctor's reproducibility rules (isolate-check-environment's checks) on hand-made host facts."""

from judge.sandbox.reproducibility import cpu_list, reproducibility_checks, shared_cores

QUIET = {
    "controllers": ["cpu", "cpuacct", "cpuset", "memory", "pids"],
    "governors": {"policy0": "performance", "policy1": "performance"},
    "no_turbo": "1",
    "boost": None,
    "smt_active": "0",
    "siblings": {"0": "0", "1": "1"},
    "aslr": "0",
    "thp_enabled": "always madvise [never]",
    "thp_defrag": "always defer defer+madvise madvise [never]",
    "swap": 0,
    "core_pattern": "core",
}


def lines(host, pinned=(0, 1), cgroup="v2"):
    return {name: (ok, detail) for name, ok, detail in reproducibility_checks(host, pinned, cgroup)}


def test_a_quiet_machine_passes_every_check():
    found = lines(QUIET)
    assert all(ok for ok, _ in found.values()), found
    assert set(found) >= {"CPU governor", "turbo/boost", "SMT siblings", "ASLR", "huge pages", "swap", "pinning"}


def test_each_noise_source_is_named_with_what_to_change():
    noisy = {
        **QUIET,
        "governors": {"policy0": "powersave", "policy1": "performance"},
        "no_turbo": "0",
        "siblings": {"0": "0,2", "1": "1,3", "2": "0,2", "3": "1,3"},
        "aslr": "2",
        "thp_enabled": "always [madvise] never",
        "swap": 2 * 2**30,
        "core_pattern": "|/usr/lib/systemd/systemd-coredump %P",
    }
    found = lines(noisy, pinned=(0, 1, 2, 3))
    assert not found["CPU governor"][0] and "powersave" in found["CPU governor"][1]
    assert "scaling_governor" in found["CPU governor"][1]
    assert not found["turbo/boost"][0] and "no_turbo" in found["turbo/boost"][1]
    assert (
        not found["SMT siblings"][0]
        and "0+2" in found["SMT siblings"][1]
        and "timing.cores" in found["SMT siblings"][1]
    )
    assert not found["ASLR"][0] and "randomize_va_space" in found["ASLR"][1]
    assert not found["huge pages"][0] and "enabled [madvise]" in found["huge pages"][1]
    assert "defrag" not in found["huge pages"][1]  # defrag is [never] here
    assert not found["swap"][0] and "swapoff" in found["swap"][1]
    assert not found["core dumps"][0] and "systemd-coredump" in found["core dumps"][1]


def test_siblings_outside_the_pinned_cores_do_not_count():
    host = {**QUIET, "siblings": {"0": "0,2", "1": "1,3", "2": "0,2", "3": "1,3"}, "smt_active": "1"}
    ok, detail = lines(host, pinned=(0, 1))["SMT siblings"]
    assert ok and "SMT active" in detail
    assert shared_cores(host["siblings"], (0, 1, 2)) == [(0, 2)]


def test_boost_and_missing_cpuset_controller():
    found = lines({**QUIET, "no_turbo": None, "boost": "1", "controllers": ["cpu", "memory"]}, cgroup="v2")
    assert not found["turbo/boost"][0] and "cpufreq/boost" in found["turbo/boost"][1]
    assert not found["pinning"][0] and "cpuset" in found["pinning"][1] and "subtree_control" in found["pinning"][1]


def test_nothing_exposed_is_not_a_finding():
    found = lines({"controllers": ["cpu", "cpuset"]}, cgroup="v1")
    assert all(ok for ok, _ in found.values()), found


def test_cpu_lists():
    assert cpu_list("0-3,8,10-11\n") == {0, 1, 2, 3, 8, 10, 11}
    assert cpu_list("5") == {5}
