"""Error types that carry the CLI exit code: bad input (2) versus the judge itself failing (3)."""


class JudgeInputError(Exception):
    """Bad input from the user: a missing file, a malformed problem or runner, an unknown language.

    The message is one line and names the file and the problem; the CLI exits with code 2.
    """

    exit_code = 2


class PackageError(JudgeInputError):
    """The problem package itself is broken (its output validator does not compile): bad input in every command,
    never a verdict of the submission being graded (a batch stops at once, exit 2)."""


class JudgeFailure(Exception):
    """Something the judge could not do: the engine is gone, an image is missing, the agent broke.

    Reported as JE (exit code 3), with this message and never a traceback.
    """

    exit_code = 3
