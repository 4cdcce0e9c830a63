"""The instance format as JSON Schema, generated from the pydantic models (never hand-edited).

`models/instance.schema.json` is this function's output; a test fails when the file is stale.
"""

from __future__ import annotations

import json

from outreach_opt.domain.instance import Instance


def instance_schema_text() -> str:
    schema = Instance.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "outreach-opt instance"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
