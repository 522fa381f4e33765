"""Whether a query walks the index meant for it, in either engine's words."""

from __future__ import annotations

import re

from blog.store.db import Database, Params


async def walks_index(db: Database, sql: str, params: Params, index: str) -> str | None:
    """None when `sql` reads `index` in order (no sort of its own); else the plan, to show."""
    if db.engine == "sqlite":
        plan = await db.fetchall("EXPLAIN QUERY PLAN " + sql, params)
        outer = [row["detail"] for row in plan if row["parent"] == 0]  # subqueries aside
        ok = any(index in detail for detail in outer) and not any("TEMP B-TREE" in d for d in outer)
        return None if ok else "\n".join(outer)
    # A dozen rows make a scan and a sort cheapest: ask whether the index *can* serve the order
    # (switched off, a plan is only chosen when there is no other).
    async with db.transaction(notify=False) as tx:
        await tx.execute("ANALYZE")
        for method in ("seqscan", "bitmapscan", "sort"):
            await tx.execute(f"SET LOCAL enable_{method} = off")
        plan = "\n".join(row[0] for row in await tx.fetchall("EXPLAIN " + sql, params))
    outer = plan.split("SubPlan")[0]
    ok = re.search(rf"Index (Only )?Scan (Backward )?using {index} ", outer) and "Sort" not in outer
    return None if ok else plan
