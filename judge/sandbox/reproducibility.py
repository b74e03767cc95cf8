"""``judge doctor``'s reproducibility checks: what on the engine's machine makes CPU times vary between runs.

The checks of isolate's ``isolate-check-environment`` (ioi/isolate): CPU frequency governor, turbo/boost, SMT
siblings (here: two pinnable cores sharing one physical core), address-space randomisation, transparent huge pages,
swap, a core pattern that pipes dumps to a program; plus the engine's cgroup version and the cpu/cpuset controllers
pinning needs. The facts are read inside a sandbox (``HOST_FACTS``, run by the doctor's probe), so they describe the
machine the engine runs on; ``reproducibility_checks`` turns them into lines that say what to change. Nothing is
changed here.
"""

from typing import Any

# Appended to the doctor's probe (plain Python, run in the base image): defines host_facts().
HOST_FACTS = r"""
import glob
def _read(path):
    try:
        return open(path).read().strip()
    except OSError:
        return None
def host_facts():
    cpus = {}
    for folder in glob.glob("/sys/devices/system/cpu/cpu[0-9]*"):
        siblings = _read(folder + "/topology/thread_siblings_list")
        if siblings is not None:
            cpus[folder.rsplit("cpu", 1)[1]] = siblings
    governors = {}
    for path in glob.glob("/sys/devices/system/cpu/cpufreq/policy*/scaling_governor"):
        governors[path.split("/")[-2]] = _read(path)
    swap = None
    for line in open("/proc/meminfo"):
        if line.startswith("SwapTotal:"):
            swap = int(line.split()[1]) * 1024
    try:  # v2: the controllers this container's cgroup has; v1: the hierarchies named in /proc/self/cgroup
        controllers = open("/sys/fs/cgroup/cgroup.controllers").read().split()
    except OSError:
        names = [line.split(":")[1] for line in open("/proc/self/cgroup") if line.count(":") >= 2]
        controllers = sorted(c for n in names for c in n.split(",") if c and not c.startswith("name="))
    return {
        "controllers": controllers,
        "governors": governors,
        "no_turbo": _read("/sys/devices/system/cpu/intel_pstate/no_turbo"),
        "boost": _read("/sys/devices/system/cpu/cpufreq/boost"),
        "smt_active": _read("/sys/devices/system/cpu/smt/active"),
        "siblings": cpus,
        "aslr": _read("/proc/sys/kernel/randomize_va_space"),
        "thp_enabled": _read("/sys/kernel/mm/transparent_hugepage/enabled"),
        "thp_defrag": _read("/sys/kernel/mm/transparent_hugepage/defrag"),
        "swap": swap,
        "core_pattern": _read("/proc/sys/kernel/core_pattern"),
    }
"""

Finding = tuple[str, bool, str]  # (check name, fine, what was found and what to change)


def cpu_list(text: str) -> set[int]:
    """A kernel CPU list ("0-3,8,10-11") as a set of CPU numbers."""
    cpus: set[int] = set()
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return cpus


def _selected(text: str | None) -> str | None:
    """The bracketed choice of a sysfs selector ("always [madvise] never" -> "madvise")."""
    if text is None or "[" not in text:
        return text
    return text.split("[", 1)[1].split("]", 1)[0]


def shared_cores(siblings: dict[str, str], pinned: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Groups of pinnable CPUs that are SMT siblings of one physical core (two gradings would share it)."""
    groups: set[tuple[int, ...]] = set()
    for text in siblings.values():
        together = tuple(sorted(cpu_list(text) & set(pinned)))
        if len(together) > 1:
            groups.add(together)
    return sorted(groups)


def reproducibility_checks(host: dict[str, Any], pinned: tuple[int, ...], cgroup: str) -> list[Finding]:
    """One line per source of timing noise on the engine's machine (``host``: HOST_FACTS' answer); ``pinned`` are the
    CPUs gradings are pinned to, ``cgroup`` the engine's cgroup version."""
    checks: list[Finding] = []
    governors = host.get("governors") or {}
    slow = sorted({g for g in governors.values() if g and g != "performance"})
    if not governors:
        checks.append(("CPU governor", True, "no cpufreq exposed (a virtual machine, or fixed frequency)"))
    elif slow:
        checks.append(
            (
                "CPU governor",
                False,
                f"{', '.join(slow)} on {len(governors)} polic{'y' if len(governors) == 1 else 'ies'}: "
                "echo performance | sudo tee /sys/devices/system/cpu/cpufreq/policy*/scaling_governor",
            )
        )
    else:
        checks.append(("CPU governor", True, "performance everywhere"))

    no_turbo, boost = host.get("no_turbo"), host.get("boost")
    if no_turbo is None and boost is None:
        checks.append(("turbo/boost", True, "not exposed"))
    elif no_turbo is not None and no_turbo != "1":
        checks.append(
            ("turbo/boost", False, "Intel turbo on: echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/no_turbo")
        )
    elif boost is not None and boost != "0":
        checks.append(
            ("turbo/boost", False, "frequency boost on: echo 0 | sudo tee /sys/devices/system/cpu/cpufreq/boost")
        )
    else:
        checks.append(("turbo/boost", True, "off"))

    shared = shared_cores(host.get("siblings") or {}, pinned)
    pinned_text = ",".join(map(str, pinned))
    if shared:
        keep = ",".join(str(group[0]) for group in shared)
        checks.append(
            (
                "SMT siblings",
                False,
                f"pinned CPUs {' '.join('+'.join(map(str, g)) for g in shared)} share a physical core: "
                f"echo off | sudo tee /sys/devices/system/cpu/smt/control, or judge.yaml timing.cores: [{keep}, ...]",
            )
        )
    else:
        smt = host.get("smt_active")
        note = " (SMT active, but no two pinned CPUs share a core)" if smt == "1" else ""
        checks.append(("SMT siblings", True, f"pinned CPUs {pinned_text} each on a core of its own{note}"))

    aslr = host.get("aslr")
    if aslr is None:
        checks.append(("ASLR", True, "not exposed"))
    elif aslr != "0":
        checks.append(
            ("ASLR", False, f"randomize_va_space {aslr}: echo 0 | sudo tee /proc/sys/kernel/randomize_va_space")
        )
    else:
        checks.append(("ASLR", True, "off"))

    thp = [(name, _selected(host.get(key))) for name, key in (("enabled", "thp_enabled"), ("defrag", "thp_defrag"))]
    on = [f"{name} [{value}]" for name, value in thp if value is not None and value != "never"]
    if on:
        fixes = "; ".join(
            f"echo never | sudo tee /sys/kernel/mm/transparent_hugepage/{name}" for name, v in thp if v != "never"
        )
        checks.append(("huge pages", False, f"transparent huge pages {', '.join(on)}: {fixes}"))
    else:
        checks.append(("huge pages", True, "transparent huge pages never" if thp[0][1] else "not exposed"))

    swap = host.get("swap")
    if swap:
        checks.append(
            (
                "swap",
                False,
                f"{swap / 2**30:.1f} GiB of swap (containers get memory = memory+swap, but paging elsewhere "
                "still slows them): sudo swapoff -a",
            )
        )
    else:
        checks.append(("swap", True, "none"))

    pattern = host.get("core_pattern") or ""
    if pattern.startswith("|"):
        checks.append(
            (
                "core dumps",
                False,
                f"piped to {pattern[1:].split()[0]} (slow crashes): echo core | sudo tee /proc/sys/kernel/core_pattern",
            )
        )

    controllers = host.get("controllers") or []
    missing = [c for c in ("cpu", "cpuset") if c not in controllers]
    if missing:
        fix = (
            "enable them for the engine's cgroup (cgroup.subtree_control)"
            if cgroup == "v2"
            else "mount the cgroup v1 hierarchies"
        )
        checks.append(("pinning", False, f"cgroup {cgroup} without {', '.join(missing)}: {fix}"))
    else:
        checks.append(("pinning", True, f"cgroup {cgroup} with cpu and cpuset: gradings pinned to CPUs {pinned_text}"))
    return checks
