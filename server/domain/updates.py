"""Which fields an update changes: the ones its `update_mask` names, or else (no mask, as REST PATCH
sends) the changeable ones it sets. A path outside the changeable fields is a violation by name."""

from __future__ import annotations

from typing import Any

from server.domain.errors import Violations


def fields_to_update(problems: Violations, request: dict[str, Any], updatable: tuple[str, ...]) -> list[str]:
    mask = request.get("update_mask")
    if mask:
        paths = [p.strip() for p in mask.split(",") if p.strip()]
        for index, path in enumerate(paths):
            if path not in updatable:
                problems.add(f"update_mask.paths[{index}]", f"'{path}' cannot be changed; changeable: {', '.join(updatable)}")
        return [p for p in paths if p in updatable]
    paths = [f for f in updatable if f in request]
    if not paths:
        problems.add("update_mask", f"nothing to change; set any of: {', '.join(updatable)}")
    return paths
