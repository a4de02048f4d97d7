"""Errors the stack reports to people as one clear line."""


class StackError(RuntimeError):
    """Something in the local stack failed; the message says what and where to look."""


class MissingPrerequisiteError(StackError):
    """A tool the stack needs is not installed; the message says what to install."""
