"""Processing tasks: what a trigger, a batch or `auto_process` asks the engine to do, and the rules of
their state. No I/O; server.storage.tasks keeps them, server.processing runs them.

- A task runs tiers in order; a tier is the collections that read the previous tier's output (tier
  1 reads bucket objects, or the documents of the triggered collection's source collection).
- Status: PENDING (queued) -> IN_PROGRESS -> COMPLETED | COMPLETED_WITH_ERRORS (some sources failed,
  each recorded with its reason) | FAILED (the task itself could not go on) | CANCELED.
- Progress is checkpointed per chunk of sources: the tier, the last source ID done and the counters
  as of that source, in one write. A resumed task starts after the checkpoint; the chunk after it
  may be written again, which leaves the same documents (their IDs are deterministic).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class TaskStatus(enum.StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    COMPLETED_WITH_ERRORS = "COMPLETED_WITH_ERRORS"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


TERMINAL = frozenset({TaskStatus.COMPLETED, TaskStatus.COMPLETED_WITH_ERRORS, TaskStatus.FAILED, TaskStatus.CANCELED})
RUNNABLE = (TaskStatus.PENDING, TaskStatus.IN_PROGRESS)


class TaskType(enum.StrEnum):
    TRIGGER = "api_collections_trigger"
    BATCH = "api_buckets_batches_submit"
    OBJECTS = "api_buckets_objects_create"  # auto_process


@dataclass
class TierProgress:
    """One tier of a task: its collections and how far it got."""

    tier_num: int
    collection_ids: list[str]
    status: TaskStatus = TaskStatus.PENDING
    processed: int = 0  # sources done (documents made or a failure recorded)
    failed: int = 0
    documents_written: int = 0
    position: int = 0  # index of the collection running in `collection_ids`
    after: str = ""  # the last source ID of that collection checkpointed; "" before its first chunk

    def to_json(self) -> dict[str, Any]:
        return {
            "tier_num": self.tier_num,
            "collection_ids": self.collection_ids,
            "status": str(self.status),
            "processed": self.processed,
            "failed": self.failed,
            "documents_written": self.documents_written,
            "position": self.position,
            "after": self.after,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TierProgress:
        return cls(
            int(raw["tier_num"]),
            list(raw["collection_ids"]),
            TaskStatus(raw.get("status", "PENDING")),
            int(raw.get("processed", 0)),
            int(raw.get("failed", 0)),
            int(raw.get("documents_written", 0)),
            int(raw.get("position", 0)),
            str(raw.get("after", "")),
        )


@dataclass
class Task:
    """A task as stored. `object_ids` empty: every object the tier-1 collections' sources match."""

    task_id: str
    task_type: TaskType
    organization_id: str
    namespace_id: str
    tiers: list[TierProgress]
    object_ids: list[str] = field(default_factory=list)
    status: TaskStatus = TaskStatus.PENDING
    current_tier: int = 0  # index into `tiers`
    batch_id: str = ""
    error: str = ""
    created_at: str = ""
    updated_at: str = ""
    fence: int = 0  # bumped by every claim; writes of an older holder are refused
    cancel_requested: bool = False

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def outcome(self) -> TaskStatus:
        """The status of a task whose tiers all ran."""
        return TaskStatus.COMPLETED_WITH_ERRORS if any(t.failed for t in self.tiers) else TaskStatus.COMPLETED

    def collection_ids(self) -> list[str]:
        return [c for tier in self.tiers for c in tier.collection_ids]


def tiers_of(triggered: str, reads: dict[str, list[str]]) -> list[list[str]]:
    """The tiers a run of collection `triggered` goes through: it, then the collections reading
    it, then those reading them... (`reads`: collection ID -> IDs of the collections whose source it
    is). A collection appears once, in the deepest tier that reaches it, so it runs after all of its
    inputs."""
    depth: dict[str, int] = {triggered: 0}
    frontier = [triggered]
    while frontier:
        nxt: list[str] = []
        for parent in frontier:
            for child in reads.get(parent, []):
                if depth.get(child, -1) < depth[parent] + 1 and depth[parent] + 1 <= len(reads) + 1:
                    depth[child] = depth[parent] + 1
                    nxt.append(child)
        frontier = nxt
    tiers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for collection_id, level in sorted(depth.items()):
        tiers[level].append(collection_id)
    return tiers
