"""A tiny JSON Schema (draft-07) checker for the Murmurations profile: the keywords the
organisations schema and its fields use (type, required, properties, items, enum, pattern,
maxLength, minItems, maxItems, uniqueItems, $ref to the copied field files). The project
does not depend on `jsonschema`; this covers what the tests need."""

import json
import re
from pathlib import Path

DATA = Path(__file__).parent / "data"
TYPES = {
    "string": str,
    "array": list,
    "object": dict,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


def _resolve(schema: dict) -> dict:
    ref = schema.get("$ref")
    if not ref:
        return schema
    path = DATA / "murmurations-fields" / Path(ref).name
    if not path.exists():
        return {}  # a field the library does not ship (e.g. urls.json): unchecked
    return {**json.loads(path.read_text()), **{k: v for k, v in schema.items() if k != "$ref"}}


def errors(value, schema: dict, where: str = "$") -> list[str]:
    schema = _resolve(schema)
    found = []
    expected = schema.get("type")
    if expected:
        kind = TYPES[expected]
        if not isinstance(value, kind) or (expected != "boolean" and isinstance(value, bool)):
            return [f"{where}: {type(value).__name__} is not {expected}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in enum")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(f"{where}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            found.append(f"{where}: more than {schema['maxItems']} items")
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(
            value
        ):
            found.append(f"{where}: items not unique")
        for i, item in enumerate(value):
            found += errors(item, schema.get("items", {}), f"{where}[{i}]")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: missing required {name}")
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                found += errors(item, properties[name], f"{where}.{name}")
            elif properties and name not in properties:
                found.append(f"{where}: unknown property {name}")
    return found


def profile_errors(profile: dict) -> list[str]:
    schema = json.loads((DATA / "organizations_schema-v1.0.0.json").read_text())
    return errors(profile, schema)
