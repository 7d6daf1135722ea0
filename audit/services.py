"""Writing the audit trail. Every business action calls these; nothing else writes audit rows."""

from datetime import date, datetime
from decimal import Decimal

from audit.models import AuditEvent, RecordAccess, SecurityEvent


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(instance, field_names) -> dict:
    """The named fields of a row as JSON-ready values (foreign keys as ids)."""
    return {name: _plain(getattr(instance, instance._meta.get_field(name).attname)) for name in field_names}


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, before and after."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def record_event(
    actor,
    action,
    *,
    request=None,
    child=None,
    challenge=None,
    description="",
    state_before="",
    state_after="",
    before=None,
    after=None,
) -> AuditEvent:
    if request is not None and child is None:
        child = request.child
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        description=description,
        request=request,
        child=child,
        challenge=challenge,
        state_before=state_before,
        state_after=state_after,
        before=before or {},
        after=after or {},
    )


def record_access(user, child, path) -> RecordAccess:
    """A look at one child's record; `child` is the child or its id."""
    child_id = getattr(child, "pk", child)
    return RecordAccess.objects.create(user=user, child_id=child_id, children=[child_id], path=path[:300])


def record_accesses(user, children, path) -> list[RecordAccess]:
    """A look at several children's records (a family's history, each sibling's plans): one row each,
    as `record_access` writes it, in one statement however many."""
    rows = [RecordAccess(user=user, child=child, children=[child.pk], path=path[:300]) for child in children]
    if len(rows) == 1:  # one row commits on its own, without a transaction opened and closed around it
        rows[0].save(force_insert=True)
        return rows
    return RecordAccess.objects.bulk_create(rows)


def record_list_access(user, child_ids, path) -> RecordAccess | None:
    """One row naming every child a list, drill-down or export showed (none shown, nothing seen: no row).

    Called inside the view, so the record commits with the look or not at all."""
    shown = sorted({int(pk) for pk in child_ids if pk is not None})
    if not shown:
        return None
    return RecordAccess.objects.create(user=user, children=shown, path=path[:300])


def record_security_event(kind, *, request=None, user=None, username="", status=None) -> SecurityEvent:
    """One security event; `request` gives the path, the method, the address and (if signed in) the user."""
    if request is not None and user is None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or getattr(user, "username", ""))[:150],
        method=request.method if request is not None else "",
        path=request.get_full_path()[:300] if request is not None else "",
        status=status,
        ip_address=request.META.get("REMOTE_ADDR") or None if request is not None else None,
    )
