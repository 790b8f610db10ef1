"""The brief as JSON."""

from __future__ import annotations

import json
import math
from dataclasses import asdict

from textmine.insights.brief.model import Brief


def brief_json(brief: Brief) -> str:
    """The brief as JSON (UTF-8 text, NaN as null)."""
    def clean(value: object) -> object:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return json.dumps(clean(asdict(brief)), ensure_ascii=False, indent=2)
