"""Interactive problems: the submission and the output validator talk through two FIFOs, each in its container.

Owns one interaction step per test: both containers mount a small volume holding the FIFOs (validator
stdout -> submission stdin, submission stdout -> validator stdin); the two agents open them and run their
programs at once, each under its own limits, and report the moment their program ended. The verdict
rule is ``interactive_verdict`` in judge.judging.verdicts.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from judge.grading.validators import ValidatorSession
from judge.inputs.testdata import TestCase
from judge.judging.validation import ValidationResult
from judge.sandbox.container import ProcessResult, RunSpec, Sandbox
from judge.sandbox.protocol import Fifos

PIPES = "/pipes"  # where both containers mount the interaction's volume
TO_SUBMISSION = f"{PIPES}/to-submission"
FROM_SUBMISSION = f"{PIPES}/from-submission"
TRANSCRIPT_CAP = 1 << 20  # bytes of an interaction kept for --transcript
VALIDATOR_GRACE = 5.0  # seconds the validator may run past the submission's wall-clock cap


@dataclass
class Interaction:
    submission: ProcessResult
    validator: ProcessResult
    check: ValidationResult


def interact(
    box: Sandbox,
    validator: ValidatorSession,
    test: TestCase,
    cmd: list[str],
    run: RunSpec,
    transcript: bool,
    pass_input: bytes | None = None,
    nextpass: int = 0,
) -> Interaction:
    """Run one test: the validator and the submission at once, connected by the FIFOs. A multi-pass test's later
    pass gives the validator ``pass_input`` (the last pass's nextpass.in) as its input file; ``nextpass`` bytes of
    the nextpass.in it writes come back."""
    validator.start()
    validator.place(test, pass_input)
    # Both sides open TO_SUBMISSION first: the validator its write end, the submission its read end.
    cap = TRANSCRIPT_CAP if transcript else 0
    # 42: the Kattis interface's "accepted"; on it the validator's side keeps the submission's pipe open.
    fifos = Fifos(read=FROM_SUBMISSION, write=TO_SUBMISSION, side="validator", accept_code=42, transcript=cap)
    first = pass_input is None
    validator.send(test, wall=run.wall + VALIDATOR_GRACE, fifos=fifos, nextpass=nextpass, first_pass=first)
    box.send_run(cmd, run, fifos=Fifos(read=TO_SUBMISSION, write=FROM_SUBMISSION, side="submission"))
    with ThreadPoolExecutor(1, thread_name_prefix="judge-validator") as pool:
        pending = pool.submit(validator.box.result, f"validating {test.name}")
        submission = box.result(f"running on {test.name}")
        validator_run = pending.result()
    return Interaction(submission, validator_run, validator.outcome(validator_run))
