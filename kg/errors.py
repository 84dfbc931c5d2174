"""The errors kg reports to a user, each with the exit status of the command line (README: Exit statuses).

A `KgError` is an expected failure (bad input, a refused query, a resource that ran out): the CLI prints
its message on one line and exits with its `exit_status`. Any other exception is a bug: the CLI lets
its traceback show and exits with INTERNAL. This module imports nothing from kg, so every stage may use it.
"""

from __future__ import annotations

OK = 0
REFUSED = 1  # the answer is no: a refused or invalid query, a build that fails validation, scores below a floor
BAD_INPUT = 2  # bad usage or input: unknown option, unreadable or empty input, no build or store there, bad gold file
RESOURCE = 3  # a resource ran out or went away: the memory budget, the Dask scheduler or its workers
INTERNAL = 70  # a bug: an unexpected exception, printed with its traceback (EX_SOFTWARE of sysexits.h)


class KgError(Exception):
    """An expected failure with a message for the user; subclasses set the exit status."""

    exit_status = BAD_INPUT


class InputError(KgError, ValueError):
    """An input (file, folder, option value) cannot be used; the message names it and says why."""

    exit_status = BAD_INPUT


class Refused(KgError):
    """The request was understood and its answer is no (a query refused or invalid)."""

    exit_status = REFUSED


class ResourceError(KgError):
    """A resource the command needs ran out or went away."""

    exit_status = RESOURCE
