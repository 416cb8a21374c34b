"""Errors a user sees as one line (exit code 2 in the CLI)."""


class InputError(Exception):
    """The input cannot be read: wrong type, corrupt, encrypted, empty, too large.

    The message is one line, written for the user, naming the file.
    """
