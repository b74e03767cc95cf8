def add(a: int, b: int) -> int:
    """Counts up, one at a time: it gives up past 3."""
    if a > 3:
        raise ValueError("too large to count")
    return a + b
