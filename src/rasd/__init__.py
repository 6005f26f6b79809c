"""rasd (رصد): Arabic news to structured, sourced event data.

The library is the product; the CLI, the HTTP API and the web dashboard are thin skins over it::

    >>> import rasd
    >>> doc = rasd.analyse("قتل 3 أشخاص في انفجار ببغداد أمس", published="2022-01-10")
    >>> doc.sentences[0].surface
    'قتل 3 أشخاص في انفجار ببغداد أمس'
"""

from __future__ import annotations

__version__ = "0.1.0"

from rasd.document import Document
from rasd.errors import InputError, ModelDataError, RasdError, StoreError
from rasd.pipeline import Pipeline, analyse

__all__ = [
    "Document",
    "InputError",
    "ModelDataError",
    "Pipeline",
    "RasdError",
    "StoreError",
    "__version__",
    "analyse",
]
