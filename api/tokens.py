"""Making, finding and revoking API tokens: the one place that knows how a token is stored."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import ApiToken

# "rpg_" marks the string as this app's token (so secret scanners and people can recognise it).
TOKEN_MARK = "rpg_"
PREFIX_LENGTH = 12  # "rpg_" and 8 random characters: shown in lists, used to revoke


class TokenError(ValueError):
    """A token cannot be made or revoked as asked; the message says why."""


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user, *, days: int | None = None, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`: the stored row and the token itself, which is never stored and shown once."""
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= 3650:
        raise TokenError("A token lasts between 1 and 3650 days.")
    if not user.is_active:
        raise TokenError(f"The user {user.username} is not active.")
    raw = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[:PREFIX_LENGTH],
        digest=digest_of(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


def token_for(raw: str) -> ApiToken | None:
    """The live token this string is, or None (unknown, revoked, expired, or its user inactive)."""
    if not raw.startswith(TOKEN_MARK) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(raw)).first()
    if token is None or not token.is_live or not token.user.is_active:
        return None
    return token


def mark_used(token: ApiToken) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def revoke_matching(label_or_prefix: str) -> list[ApiToken]:
    """Revoke every live token with this label, or the one whose prefix this is. None matching: TokenError."""
    text = label_or_prefix.strip()
    if not text:
        raise TokenError("Give a token's label or prefix.")
    # The prefix as lists show it; the whole token works too, since it starts with its prefix.
    by_prefix = Q(prefix=text[:PREFIX_LENGTH]) if len(text) >= PREFIX_LENGTH else Q(pk__in=[])
    with transaction.atomic():
        matching = list(
            ApiToken.objects.select_for_update().filter(revoked_at__isnull=True).filter(Q(name=text) | by_prefix)
        )
        if not matching:
            raise TokenError(f"No live token has the label or prefix '{text}'.")
        now = timezone.now()
        ApiToken.objects.filter(pk__in=[t.pk for t in matching]).update(revoked_at=now)
        for token in matching:
            token.revoked_at = now
        return matching


def revoke_own(user, token_id: int) -> ApiToken | None:
    """A person revokes one of their own tokens; anyone else's is not found."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is not None and token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        return token
