"""Schemathesis hooks for Shouhu's conformance run: what a client reads in the document's
descriptions and no JSON Schema can say.

A visit's date must lie within the last year (in China) and not after today, and a follow-up is
due today or later: rules that move with the calendar. Schema-valid visits that schemathesis
generates (positive cases only) get dates inside those windows; every other part of the case,
and every negative case, is sent as generated.

Random child ids find no child (404), so half of the positive visits are for a child of the
street under test (`SHOUHU_ST_CHILDREN`, ids separated by commas), as a real client would send:
those reach the checks and the write.
"""

import datetime
import os

import schemathesis

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def _in_window(value, earliest, latest):
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    if earliest <= day <= latest:
        return value
    span = (latest - earliest).days
    return (earliest + datetime.timedelta(days=day.toordinal() % (span + 1))).isoformat()


@schemathesis.hook
def before_call(context, case, **kwargs):
    if case.operation.method.upper() != "POST" or case.operation.path != "/api/v1/visits":
        return
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    body = case.body
    if not isinstance(body, dict):
        return
    known = [c for c in os.environ.get("SHOUHU_ST_CHILDREN", "").split(",") if c]
    pick = sum(map(ord, str(body.get("id"))))
    if known and "child_id" in body and pick % 2 == 0:
        body["child_id"] = known[pick % len(known)]
        # Siblings with random ids would find no child either.
        body.pop("also_for", None)
    today = datetime.datetime.now(CHINA).date()
    if "visited_on" in body:
        body["visited_on"] = _in_window(body["visited_on"], today - datetime.timedelta(days=365), today)
    if body.get("follow_up_due"):
        body["follow_up_due"] = _in_window(
            body["follow_up_due"], today, today + datetime.timedelta(days=365)
        )
