"""A scan's rows as entities, where anonymous scans differ from rows.py's general rule: a
scan knows how many took part once it is anonymised, and the rows of an anonymised scan
carry no respondent (close kept one per voter and condition), so each counts as it is.
(Every store reads its scans through here; the lead may fold it into rows.py.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.core.entities import Scan, ScanScore
from bot.store import rows
from bot.store.rows import Row


def scan(row: Row) -> Scan:
    return replace(rows.scan(row), respondents=row["respondents"])


def scores(found: Iterable[Row], anonymised: bool) -> list[ScanScore]:
    """Per respondent and condition the last score, then every remark (rows oldest first);
    an anonymised scan's rows each as they are, scores first."""
    if not anonymised:
        return rows.last_scan_scores(found)
    items = [ScanScore(r["respondent"], r["user_name"], r["organisation_id"], r["condition"],
                       r["score"], r["remark"]) for r in found]
    return [s for s in items if s.remark is None] + [s for s in items if s.remark is not None]
