"""Interactive problems: the submission and the output validator talk through two FIFOs, each in its container.

Owns one interaction step per test: both containers mount a small volume holding the FIFOs (validator
stdout -> submission stdin, submission stdout -> validator stdin, and the stop FIFO through which the
submission's side tells the validator's that the judge stopped the submission); the two agents open them and
run their programs at once, each under its own limits, and report the moment their program ended. The
verdict rule is ``interactive_verdict`` in judge.judging.verdicts.
"""

import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from judge.grading.validators import ValidatorSession
from judge.inputs.testdata import TestCase
from judge.judging.validation import ValidationResult
from judge.judging.verdicts import stopped_with_submission, validator_ended_first
from judge.sandbox.container import ProcessResult, RunSpec, Sandbox
from judge.sandbox.protocol import Fifos

PIPES = "/pipes"  # where both containers mount the interaction's volume
TO_SUBMISSION = f"{PIPES}/to-submission"
FROM_SUBMISSION = f"{PIPES}/from-submission"
STOP = f"{PIPES}/judge/submission-stopped"  # in a 0700 folder: no program reaches it by path
FIFOS = (TO_SUBMISSION, FROM_SUBMISSION, STOP)
TRANSCRIPT_CAP = 1 << 20  # bytes of an interaction kept for --transcript
# The validator's wall-clock cap lies this far beyond the submission's, so in a deadlock the submission's cap
# fires first (its TLE decides) and the validator is stopped with it.
VALIDATOR_GRACE = 5.0


@dataclass
class InteractiveRun:
    """One pass of an interactive test, as the judge sees it: both programs' runs and the validator's result."""

    submission: ProcessResult
    validator: ProcessResult
    check: ValidationResult


@dataclass(frozen=True)
class SubmissionSide:
    """The submission's half of an interaction (the validator's is its ValidatorSession): its sandbox, its
    command and the limits it runs under."""

    box: Sandbox
    cmd: list[str]
    run: RunSpec


def interact(
    submission_side: SubmissionSide,
    validator: ValidatorSession,
    test: TestCase,
    *,
    transcript: bool = False,
    pass_input: bytes | None = None,
    nextpass: int = 0,
) -> InteractiveRun:
    """Run one test: the validator and the submission at once, connected by the FIFOs. A multi-pass test's later
    pass gives the validator ``pass_input`` (the last pass's nextpass.in) as its input file; ``nextpass`` bytes of
    the nextpass.in it writes come back."""
    box, cmd, run = submission_side.box, submission_side.cmd, submission_side.run
    validator.start()
    validator.place(test, pass_input)
    # Both sides open TO_SUBMISSION first: the validator its write end, the submission its read end.
    cap = TRANSCRIPT_CAP if transcript else 0
    # 42: the Kattis interface's "accepted"; on it the validator's side keeps the submission's pipe open.
    fifos = Fifos(
        read=FROM_SUBMISSION, write=TO_SUBMISSION, side="validator", accept_code=42, transcript=cap, stop=STOP
    )
    first = pass_input is None
    validator.send(test, wall=run.wall + VALIDATOR_GRACE, fifos=fifos, nextpass=nextpass, first_pass=first)
    box.send_run(cmd, run, fifos=Fifos(read=TO_SUBMISSION, write=FROM_SUBMISSION, side="submission", stop=STOP))
    with ThreadPoolExecutor(1, thread_name_prefix="judge-validator") as pool:
        pending = pool.submit(validator.box.result, f"validating {test.name}")
        submission = box.result(f"running on {test.name}")
        validator_run = pending.result()
    check = validator.validation(validator_run)
    if not validator_run.spawn_error:
        stopped = submission.killed_by is not None
        validator_first = validator_ended_first(
            submission.ended, validator_run.ended, broken_pipe=submission.signal == signal.SIGPIPE
        )
        check = stopped_with_submission(check, submission_stopped=stopped, validator_first=validator_first)
    return InteractiveRun(submission, validator_run, check)
