"""The core system's OpenAPI file (docs/core-api.yaml): check bodies against its JSON Schemas.

OpenAPI 3.1 schemas are JSON Schema 2020-12, so jsonschema validates them directly; `$ref`s are
resolved inside the one document.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kiosk.config import PROJECT_ROOT

SPEC_PATH = PROJECT_ROOT / "docs" / "core-api.yaml"
_URI = "urn:jht-core-api"
JSON = "application/json"


class SchemaError(ValueError):
    """A body does not follow the core system's OpenAPI file."""


@cache
def spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Return the OpenAPI document, parsed once."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _operations() -> dict[str, str]:
    """Map each operationId to the JSON pointer of its operation."""
    found = {}
    for route, item in spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                escaped = route.replace("~", "~0").replace("/", "~1")
                found[operation["operationId"]] = f"/paths/{escaped}/{method}"
    return found


@cache
def _validator(pointer: str) -> Draft202012Validator:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    registry = Registry().with_resource(_URI, resource)
    return Draft202012Validator({"$ref": f"{_URI}#{pointer}"}, registry=registry,
                                format_checker=FormatChecker())


def _pointer_get(pointer: str) -> Any:
    node: Any = spec()
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _response_schema_pointer(operation_id: str, status: int, media: str) -> str | None:
    pointer = f"{_operations()[operation_id]}/responses/{status}"
    try:
        response = _pointer_get(pointer)
    except KeyError:
        return None
    if "$ref" in response:
        pointer = response["$ref"].lstrip("#")
        response = _pointer_get(pointer)
    if media not in response.get("content", {}):
        return None
    return f"{pointer}/content/{media.replace('/', '~1')}/schema"


def _check(pointer: str, body: Any, what: str) -> None:
    try:
        _validator(pointer).validate(body)
    except ValidationError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "(body)"
        raise SchemaError(f"{what}: {where}: {exc.message}") from None


def documented_statuses(operation_id: str) -> set[int]:
    """Return the response statuses the file lists for an operation."""
    return {int(code) for code in _pointer_get(f"{_operations()[operation_id]}/responses")}


def check_response(operation_id: str, status: int, body: Any, media: str = JSON) -> None:
    """Raise SchemaError unless the status is documented and a JSON body follows its schema."""
    if status not in documented_statuses(operation_id):
        raise SchemaError(f"{operation_id}: status {status} is not in the API file")
    pointer = _response_schema_pointer(operation_id, status, media)
    if pointer is not None and media.endswith("json"):
        _check(pointer, body, f"{operation_id} {status}")


def check_request(operation_id: str, body: Any) -> None:
    """Raise SchemaError unless a JSON request body follows the operation's schema."""
    pointer = f"{_operations()[operation_id]}/requestBody/content/{JSON.replace('/', '~1')}/schema"
    _check(pointer, body, f"{operation_id} request")
