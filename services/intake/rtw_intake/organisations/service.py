"""The directory of organisations: kept from the realm (a full sync replaces it), listed for the
workspace's pickers, and asked whether a case names an organisation that exists."""

from __future__ import annotations

import structlog

from rtw_shared.errors import UnprocessableError
from rtw_shared.uow import UnitOfWork

from . import repository
from .models import Organisation
from .realm import Entry, RealmDirectory

log = structlog.get_logger("rtw.intake.organisations")


def list_organisations(*, uow: UnitOfWork, kind: str | None) -> list[Organisation]:
    """The organisations of `kind` (all when None): ids and names."""
    return repository.listed(uow.session, kind)


def replace_directory(*, uow: UnitOfWork, entries: list[Entry]) -> int:
    """Make the directory what the realm holds now; how many organisations it holds. A read that found
    none at all changes nothing: a realm misread must not empty the directory."""
    if not entries:
        log.warning("the realm lists no organisation: the directory is left as it was")
        return len(repository.listed(uow.session, None))
    now = uow.now()
    repository.upsert(uow.session, entries, seen_at=now)
    removed = repository.remove_unseen(uow.session, since=now)
    uow.commit()
    if removed:
        log.info("organisations gone from the realm removed from the directory", removed=removed)
    return len(entries)


def require_known(*, uow: UnitOfWork, directory: RealmDirectory, kind: str, org_id: str, field: str) -> None:
    """Nothing when the directory knows `org_id` as a `kind` organisation; otherwise the realm is read
    again (an organisation added since the last sync; at most every directory_recheck_seconds) and 422
    names `field` if it still is not there."""
    if repository.is_known(uow.session, kind, org_id):
        return
    if directory.may_reread():
        try:
            entries = directory.read()
        except Exception as error:  # Keycloak unreachable: the directory as last synced decides
            log.warning("could not read the realm's organisations", error=str(error))
        else:
            repository.upsert(uow.session, entries, seen_at=uow.now())  # commits with the caller's work
            if any(e.kind == kind and e.id == org_id for e in entries):
                return
    raise UnprocessableError(
        f"{field}: no {kind} organisation {org_id!r} is known (GET /v1/organisations?kind={kind} lists them)",
        field=field,
    )
