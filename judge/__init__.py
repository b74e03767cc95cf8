"""judge: a batch online-judge grader that runs submissions in hardened Docker containers."""

__version__ = "0.1.0"
