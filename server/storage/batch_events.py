"""A batch's audit trail in the MongoDB collection `batch_events`: one document per change of the
batch or of its tasks (who records what: server.usecases.batches and server.processing.engine),
at most MAX_EVENTS per batch (the oldest go first).

Each event is its own insert, not a `$push` onto the batch (nx-27017 stores a pushed object as a
string: server.storage.portable, 9.). Order is `_order`, the writer's clock in nanoseconds, so
events of one batch written by two processes sort by when they happened, to their clocks' accuracy.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from typing import Any

import pymongo
from pymongo.asynchronous.database import AsyncDatabase

from server.domain import clock
from server.domain.ids import new_id
from server.storage.portable import hint_equality_fields

MAX_EVENTS = 200
log = logging.getLogger("vecplane.batches")


@dataclass(frozen=True)
class BatchEvent:
    event: str
    status: str
    task_id: str = ""
    tier_num: int = 0
    message: str = ""


class BatchEventRepository:
    collection_name = "batch_events"

    def __init__(self, db: AsyncDatabase):
        self.collection = db[self.collection_name]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("batch_id", pymongo.ASCENDING), ("_order", pymongo.ASCENDING)], name="batch_events_by_batch")
        await hint_equality_fields(self.collection, ("batch_id",))

    async def record(self, organization_id: str, batch_id: str, event: BatchEvent) -> None:
        """Appends the event, then drops the batch's oldest beyond MAX_EVENTS. Best effort: the
        change it records has happened, so a failure to record it is logged, not raised."""
        try:
            await self.collection.insert_one(
                {
                    "_id": new_id("bev", 16),
                    "_org": organization_id,
                    "batch_id": batch_id,
                    "_order": time.time_ns(),
                    "at": clock.now(),
                    **asdict(event),
                }
            )
            beyond = await self.collection.find({"batch_id": batch_id}, {"_id": 1}).sort("_order", pymongo.DESCENDING).skip(MAX_EVENTS).limit(100).to_list()
            if beyond:
                await self.collection.delete_many({"_id": {"$in": [doc["_id"] for doc in beyond]}})
        except Exception:
            log.exception("could not record a batch event", extra={"batch_id": batch_id, "event": event.event})

    async def of_batch(self, organization_id: str, batch_id: str) -> list[dict[str, Any]]:
        """The batch's events, oldest first (at most MAX_EVENTS)."""
        cursor = self.collection.find({"_org": organization_id, "batch_id": batch_id}).sort("_order", pymongo.ASCENDING).limit(MAX_EVENTS)
        return [{k: v for k, v in doc.items() if not k.startswith("_") and k != "batch_id"} for doc in await cursor.to_list()]

    async def delete_batch(self, organization_id: str, batch_id: str) -> None:
        await self.collection.delete_many({"_org": organization_id, "batch_id": batch_id})
