"""``judge doctor``: what the engine, the images and a live sandbox actually enforce on this machine.

Runs a probe program inside a real sandbox (on the base image) and reports what it could and could
not do, so a user sees the isolation in force rather than the one the code intends.
"""

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docker

from judge.errors import JudgeFailure
from judge.excerpts import error_excerpt
from judge.inputs.languages import Language
from judge.inputs.settings import Settings
from judge.sandbox import engine, images
from judge.sandbox.container import RunSpec, Sandbox, agent_caps
from judge.sandbox.cores import pinnable_cores
from judge.sandbox.reproducibility import HOST_FACTS, reproducibility_checks
from judge.sandbox.runtime import engine_runtime
from judge.sandbox.specs import language_spec
from judge.units import MIB

# Runs as the submission would; prints one JSON object of facts.
PROBE = r"""
import json, os, socket
def fails(fn):
    try:
        fn()
    except (OSError, ValueError):
        return True
    return False
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
def cgroup_controllers():
    try:  # v2: the controllers enabled for this container's cgroup
        return open("/sys/fs/cgroup/cgroup.controllers").read().split()
    except OSError:  # v1: one hierarchy per controller group, named in /proc/self/cgroup ("4:cpu,cpuacct:/...")
        names = [line.split(":")[1] for line in open("/proc/self/cgroup")]
        return sorted(c for n in names for c in n.split(",") if c and not c.startswith("name="))
facts = {
    "uid": os.getuid(),
    "capabilities": status["CapEff"].strip(),
    "no_new_privs": status.get("NoNewPrivs", "?").strip() == "1",
    "interfaces": sorted(os.listdir("/sys/class/net")),
    "network_blocked": fails(lambda: socket.create_connection(("192.0.2.1", 80), timeout=1)),
    "root_read_only": fails(lambda: open("/probe", "w")),
    "program_read_only": fails(lambda: open("/box/probe", "w")),
    "agent_dir_private": fails(lambda: os.listdir("/judge")),
    "agent_fds_private": fails(lambda: open("/proc/1/fd/1", "wb")),
    "oom_score_adj": int(open("/proc/self/oom_score_adj").read()),
    "processes_seen": len([p for p in os.listdir("/proc") if p.isdigit()]),
    "cgroup_controllers": cgroup_controllers(),
}
"""
PROBE += HOST_FACTS + 'facts["host"] = host_facts()\nprint(json.dumps(facts))\n'


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    advisory: bool = False  # a reproducibility finding: shown as a warning, not a failure


def _probe(client: docker.DockerClient, language: Language, settings: Settings) -> tuple[dict, dict]:
    memory = 256 * MIB
    spec = language_spec(language, settings, memory=memory, compile_memory=memory, private=16 * MIB)
    with tempfile.TemporaryDirectory() as tmp, Sandbox(client, spec) as box:
        empty = Path(tmp) / "empty.in"
        empty.write_bytes(b"")
        box.put_file("probe.py", PROBE.encode())
        result = next(
            iter(box.run_tests(list(language.run), [empty], RunSpec(time=5, wall=10, memory=memory, output_limit=MIB)))
        )
        if result is None:  # run_tests yields None only for tests a skip() callback rejects; none here
            raise JudgeFailure("the probe did not run")
        if result.exit_code != 0:
            raise JudgeFailure(f"the probe failed: {error_excerpt(result.stderr)}")
        return box.info, json.loads(result.stdout)


def _runtime_check(client: docker.DockerClient) -> Check:
    """The runtime the sandboxes run on and why (after a probe: crun offered but failing shows as the fallback)."""
    runtime = engine_runtime(client)
    return Check("runtime", runtime.ok, runtime.describe())


def run_doctor(settings: Settings, languages: dict[str, Language]) -> list[Check]:
    checks: list[Check] = []
    try:
        client = engine.connect()
    except JudgeFailure as exc:
        return [Check("engine", False, str(exc))]
    about = engine.describe(client)
    checks.append(
        Check(
            "engine",
            True,
            f"Docker {about['server']}, cgroup {about['cgroup']}, {about['storage']}, {about['cpus']} CPUs",
        )
    )
    runtime_at = len(checks)  # the runtime line follows the engine's, once the probe has shown whether crun runs
    base = images.image_labels(client, settings.base_tag)
    checks.append(
        Check(
            "base image",
            base is not None,
            f"{settings.base_tag} ({base.get('judge.base', 'built')})"
            if base is not None
            else f"{settings.base_tag} missing: run `judge runners build`",
        )
    )
    for language in languages.values():
        status = images.image_status(client, language)
        hint = "" if status == "ready" else f": run `judge runners build {language.name}`"
        checks.append(Check(f"image {language.name}", status == "ready", f"{language.image} {status}{hint}"))
    if base is None or not engine_runtime(client).ok:
        checks.insert(runtime_at, _runtime_check(client))
        checks.append(Check("sandbox probe", False, "needs the base image" if base is None else "needs a runtime"))
        return checks
    # The probe runs in the base image, on the interpreter every image carries for the agent.
    probe_language = Language(
        name="base",
        folder=settings.runners_dir / "base",
        extensions=(),
        source="probe.py",
        run=("python3", "-S", "probe.py"),
        image=settings.base_tag,
    )
    try:
        info, facts = _probe(client, probe_language, settings)
    except JudgeFailure as exc:
        checks.append(Check("sandbox probe", False, str(exc)))
        return checks
    finally:
        checks.insert(runtime_at, _runtime_check(client))
    checks += [
        Check(
            "agent",
            info.get("pid") == 1,
            f"PID {info.get('pid')}, Python {info.get('python')}, capabilities kept: {' '.join(agent_caps())}",
        ),
        Check(
            "launcher",
            bool(info.get("launcher")),
            "tests spawned through judge's launcher (posix_spawn)"
            if info.get("launcher")
            else "no launcher: each test is a fork of the agent (about 1 ms more); `judge runners build` builds it",
            advisory=not info.get("launcher"),
        ),
        Check(
            "cgroup",
            {"cpu", "memory", "pids"} <= set(facts["cgroup_controllers"]),
            f"{info.get('cgroup')}, controllers: {' '.join(facts['cgroup_controllers']) or 'none'}",
        ),
        Check(
            "OOM detection",
            bool(info.get("oom_counter")),
            f"cgroup {info.get('cgroup')} counter {info.get('oom_counter') or 'not readable'}",
        ),
        Check(
            "memory watch",
            bool(info.get("memory_usage")),
            f"tests stopped at their memory limit through {info.get('memory_usage')}"
            if info.get("memory_usage")
            else "cgroup memory usage not readable: only the container's limit applies",
        ),
        Check(
            "CPU accounting",
            bool(info.get("container_cpu")),
            "container-wide CPU counter readable"
            if info.get("container_cpu")
            else "only the main process's CPU time is watched",
        ),
        Check(
            "unprivileged",
            facts["uid"] != 0 and facts["capabilities"] == "0000000000000000",
            f"uid {facts['uid']}, effective capabilities {facts['capabilities']}",
        ),
        Check("no-new-privileges", facts["no_new_privs"], "NoNewPrivs set" if facts["no_new_privs"] else "not set"),
        Check(
            "network",
            facts["interfaces"] == ["lo"] and facts["network_blocked"],
            f"interfaces {', '.join(facts['interfaces'])}; outside unreachable: {facts['network_blocked']}",
        ),
        Check(
            "filesystem",
            facts["root_read_only"] and facts["program_read_only"],
            f"root read-only: {facts['root_read_only']}, program read-only: {facts['program_read_only']}",
        ),
        Check(
            "agent private",
            facts["agent_dir_private"] and facts["agent_fds_private"],
            f"agent dir hidden: {facts['agent_dir_private']}, agent pipes hidden: {facts['agent_fds_private']}",
        ),
        Check("OOM victim", facts["oom_score_adj"] == 1000, f"submission oom_score_adj {facts['oom_score_adj']}"),
        Check(
            "limits",
            True,
            f"pids {settings.pids}, CPU {settings.cpus:g} core(s), memory = memory+swap, "
            f"/tmp {settings.tmp_size // MIB} MiB, log cap {settings.log_max_size}",
        ),
    ]
    host, pinned = facts["host"], pinnable_cores(settings)
    checks += [Check(*line, advisory=True) for line in reproducibility_checks(host, pinned, str(about["cgroup"]))]
    return checks
