"""Errors raised for bad user input.

A `ScenarioError` always names the file, the key path inside it, what was given
and what is allowed, so the CLI can print one short line and exit with code 2.
"""

from __future__ import annotations


def one_line(text: str) -> str:
    """`text` with control characters (newlines, carriage returns, ...) escaped, so an
    error about a strange name stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ScenarioError(Exception):
    """Bad input in a scenario file (or a command-line value).

    Args:
        file: Path of the file that holds the bad value (or "<command line>").
        key_path: Dotted path to the key, e.g. "policies.cixi_subsidy.start".
        given: What the user wrote, as text.
        allowed: What would have been accepted, in words.
    """

    def __init__(self, file: str, key_path: str, given: str, allowed: str) -> None:
        self.file = file
        self.key_path = key_path
        self.given = given
        self.allowed = allowed
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """One-line description for the user."""
        where = f"{self.file}: {self.key_path}" if self.key_path else self.file
        return one_line(f"{where}: got {self.given}; allowed: {self.allowed}")


class UsageError(Exception):
    """A malformed command line (unknown option, a value its type refuses).

    Args:
        prog: The command, e.g. "laborsim run".
        message: argparse's message, e.g. "argument --replicates: got '0'; allowed: ...".
    """

    def __init__(self, prog: str, message: str) -> None:
        self.prog = prog
        super().__init__(one_line(f"{prog}: error: {message}"))
