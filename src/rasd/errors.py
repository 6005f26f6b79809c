"""One error hierarchy for the whole library.

Every message names the input, the problem and, where there is one, the fix. Library code raises
these (``raise ... from err``) and logs; it never prints.
"""

from __future__ import annotations


class RasdError(Exception):
    """Base class of every error rasd raises on purpose."""


class InputError(RasdError):
    """The input (a file, a string, a JSON line, a request) cannot be used as given."""


class ModelDataError(RasdError):
    """A bundled model, lexicon or gazetteer is missing or corrupt: reinstall rasd or rebuild it."""


class StoreError(RasdError):
    """The store (database) cannot be opened, read or written."""


class PipelineError(RasdError):
    """A pipeline was assembled wrongly (a stage requires what no earlier stage assigns)."""
