"""A refused setting, told in one line: the variable, what was wrong, a value that works.

Secrets are never echoed, and a URL's password is hidden."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from cuiot.entrypoints.settings import Settings

_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def env_name(field: str) -> str:
    return f"CUIOT_{field.upper()}"


def shown(value: Any) -> str:
    """The value as given, with any URL's password replaced by ``***``."""
    text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return repr(_PASSWORD.sub(r"\1***@", text))


def explain(error: ValidationError) -> str:
    """The first problem (and how many more) as one line for people."""
    problems = error.errors(include_url=False)
    first = problems[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    reason = " ".join(str(first["msg"]).removeprefix("Value error, ").split())
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    info = Settings.model_fields.get(field)
    if info is None:
        return f"settings: {reason}{more}"
    name = env_name(field)
    given = "" if not info.repr else f"={shown(first['input'])}"
    example = f"; for example {name}={info.examples[0]}" if info.examples else ""
    return f"{name}{given}: {reason}{example}{more}"
