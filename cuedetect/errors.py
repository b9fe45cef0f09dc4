"""Errors a user can act on. The CLI prints them as one line and exits non-zero."""

from __future__ import annotations


class CuedetectError(Exception):
    """Base class: the message is shown to the user as it is, on one line."""

    exit_code = 1


class InputError(CuedetectError):
    """The input (video, file, id) cannot be used; the message says why and what to do."""

    exit_code = 2


class ModelUnavailableError(CuedetectError):
    """A model could be neither downloaded nor built offline."""

    exit_code = 3
