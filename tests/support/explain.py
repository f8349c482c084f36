"""Whether MongoDB serves a query with an index, from the server's own `explain`: a real server's
winning plan has no COLLSCAN stage; nx-27017 answers with SQLite's query plan, in which a full scan
of the collection's table reads `SCAN <table>` (scans of `json_each` are per-row array checks)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

# The commands whose filter selects documents, and where the filter is.
_FILTERS = {"find": "filter", "count": "query"}


def as_finds(command: dict[str, Any]) -> list[dict[str, Any]]:
    """The `find` commands selecting what a recorded command selects ([] for inserts and the like)."""
    name = next(iter(command))
    collection = command[name]
    if name in _FILTERS:
        found = {"find": collection, "filter": command.get(_FILTERS[name]) or {}}
        for option in ("sort", "limit", "skip", "projection"):
            if option in command:
                found[option] = command[option]
        return [found]
    if name == "update":
        return [{"find": collection, "filter": u["q"]} for u in command["updates"]]
    if name == "delete":
        return [{"find": collection, "filter": d["q"]} for d in command["deletes"]]
    if name == "aggregate":
        first = (command.get("pipeline") or [{}])[0]
        return [{"find": collection, "filter": first.get("$match", {})}]
    return []


def _stages(plan: Any) -> list[str]:
    if isinstance(plan, dict):
        found = [plan["stage"]] if "stage" in plan else []
        for value in plan.values():
            found += _stages(value)
        return found
    if isinstance(plan, list):
        return [stage for item in plan for stage in _stages(item)]
    return []


async def full_scans(db: AsyncDatabase, find: dict[str, Any]) -> list[str]:
    """The parts of the winning plan that read a whole collection ([] when indexes serve it)."""
    explained = await db.command({"explain": find, "verbosity": "queryPlanner"})
    plan = explained["queryPlanner"]["winningPlan"]
    if isinstance(plan, list):  # nx-27017: SQLite's plan, one row per step
        return [step["detail"] for step in plan if step.get("detail", "").startswith(f"SCAN {find['find']}")]
    return [stage for stage in _stages(plan) if stage == "COLLSCAN"]
