"""The sandbox a Language gets: its image with judge.yaml's sandbox settings and a given memory budget.

Shared by grading (a submission's and a validator's sandboxes) and the doctor's probe, so the doctor reports the
isolation that grading actually uses.
"""

import functools

from judge.inputs.languages import Language
from judge.inputs.settings import Settings
from judge.sandbox import launcher
from judge.sandbox.container import SandboxSpec
from judge.sandbox.images import build_on_first_use


def language_spec(
    language: Language,
    settings: Settings,
    *,
    memory: int,
    compile_memory: int,
    private: int,
    labels: dict[str, str] | None = None,
    mounts: tuple[tuple[str, str, bool], ...] = (),
) -> SandboxSpec:
    """A sandbox for ``language`` with judge.yaml's sandbox settings and the given memory budget."""
    return SandboxSpec(
        image=language.image,
        memory=memory,
        compile_memory=compile_memory,
        private_size=private,
        uid=settings.uid,
        pids=settings.pids,
        cpus=settings.cpus,
        tmp_size=settings.tmp_size,
        box_size=settings.box_size,
        log_max_size=settings.log_max_size,
        missing_image_hint=f"run `judge runners build {language.name}`",
        build_missing_image=functools.partial(build_on_first_use, language, settings),
        labels=labels or {},
        mounts=mounts,
        launcher=launcher.code(settings),
    )
