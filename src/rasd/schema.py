"""JSON Schema of rasd's document output, generated from the dataclasses in `rasd.document`.

The published copy lives in ``schema/document.schema.json``; a test regenerates it and fails when
it drifts. Regenerate with ``python -m rasd.schema > schema/document.schema.json``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from typing import Any, Union

from rasd.document import SCHEMA_VERSION, Document


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``Document.to_dict()``."""
    defs: dict[str, Any] = {}
    root = _object_schema(Document, defs)
    root["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
    root["required"] = [*root["required"], "schema_version"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://rasd.invalid/schema/document.schema.json",
        "title": "rasd analysed document",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props = {}
    for f in dataclasses.fields(cls):
        props[f.name] = _type_schema(hints[f.name], defs)
    return {
        "type": "object",
        "properties": props,
        "required": [f.name for f in dataclasses.fields(cls)],
        "additionalProperties": False,
    }


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if set(args) - {type(None)} == {date, datetime}:
            return {"type": ["string", "null"], "description": "ISO 8601 date or datetime"}
        return {"anyOf": [_type_schema(a, defs) for a in args]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], defs)}
    if origin is not None:  # Mapping[str, Any]
        return {"type": "object"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
    if tp in simple:
        return {"type": simple[tp]}
    return {}


def main() -> None:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
