"""What other screens ask about bank collection: which rooms' latest debit failed and why
(the arrears report's follow-up column), and a batch's lines with accounts masked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CollectBatch, CollectLine


def failed_rooms(s: Session, room_ids: list[str]) -> dict[str, str]:
    """{room id: "余额不足 (TS20261202001, 2026-11)"} for rooms whose latest returned debit failed."""
    latest: dict[str, tuple] = {}
    for i in range(0, len(room_ids), 900):
        chunk = room_ids[i:i + 900]
        for room_id, status, reason, returned, batch_no, period in s.execute(
                select(CollectLine.room_id, CollectLine.status, CollectLine.reason, CollectLine.returned_at,
                       CollectBatch.batch_no, CollectBatch.period)
                .join(CollectBatch, CollectBatch.id == CollectLine.batch_id)
                .where(CollectLine.room_id.in_(chunk), CollectLine.status.in_(("paid", "failed")))):
            old = latest.get(room_id)
            if old is None or (returned, batch_no) > (old[2], old[3]):
                latest[room_id] = (status, reason, returned, batch_no, period)
    return {rid: f"{v[1] or '?'} ({v[3]}, {v[4]})" for rid, v in latest.items() if v[0] == "failed"}


def batch_list(s: Session, limit: int = 50) -> list[dict]:
    """The latest batches with their counts (the GUI's 托收 screen)."""
    from sqlalchemy import case, func

    paid = func.sum(case((CollectLine.status == "paid", 1), else_=0))
    failed = func.sum(case((CollectLine.status == "failed", 1), else_=0))
    rows = s.execute(select(CollectBatch.batch_no, CollectBatch.period, CollectBatch.layout, CollectBatch.rows,
                            CollectBatch.total_fen, CollectBatch.status, paid, failed)
                     .join(CollectLine, CollectLine.batch_id == CollectBatch.id)
                     .group_by(CollectBatch.batch_no, CollectBatch.period, CollectBatch.layout, CollectBatch.rows,
                               CollectBatch.total_fen, CollectBatch.status)
                     .order_by(CollectBatch.batch_no.desc()).limit(limit)).all()
    return [{"batch": b, "period": p, "layout": lay, "rows": n, "total_fen": int(t), "status": st,
             "paid": int(pd or 0), "failed": int(fl or 0)} for b, p, lay, n, t, st, pd, fl in rows]
