"""What the business actions raise: one hierarchy, and the one place that maps it to an HTTP status.

Every refusal is an `ActionRefused` carrying `problems` (sentences a person can act on) and, when a
problem is about one typed field, `field_errors`. Its subclasses say why the action did not happen;
`http_status` is how pages (and the API) answer each, so a stale challenge and a stale decision are
both a 409, a refusal of who you are a 403, and so on. Views never pick a status for a refusal.
"""


class ActionRefused(Exception):
    """The action did not happen because the facts are not what it needs (400): `problems` says why."""

    def __init__(self, problems, *, field_errors: dict[str, list[str]] | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.field_errors = dict(field_errors or {})
        super().__init__(" ".join(self.problems))


class NotPermitted(ActionRefused):
    """This person may not take this action on this object (403)."""


class NotFound(ActionRefused):
    """The object acted on does not exist, or this person may not know that it does (404)."""


class RequestChanged(ActionRefused):
    """Somebody else acted first: the request or challenge is no longer as the person saw it (409)."""


class StaleVersion(RequestChanged):
    """Somebody saved the request after this person opened it: what they saw is no longer what is there.

    `changes` lists what is different now, (what, then, now), so the page can show it beside the
    person's own typed text.
    """

    def __init__(self, problems, *, seen_version, version, changes):
        super().__init__(problems)
        self.seen_version = seen_version
        self.version = version
        self.changes = changes


# Most specific first: the first class a refusal is an instance of gives its status.
HTTP_STATUS = (
    (NotPermitted, 403),
    (NotFound, 404),
    (RequestChanged, 409),
    (ActionRefused, 400),
)


def http_status(refusal: ActionRefused) -> int:
    """The HTTP status that answers a refusal, for pages and the API alike."""
    return next(status for kind, status in HTTP_STATUS if isinstance(refusal, kind))
