"""What the business actions raise; views turn these into messages, never a 500."""


class ActionRefused(Exception):
    """The action cannot happen; `problems` says why, each a sentence a person can act on."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


class NotPermitted(ActionRefused):
    """This person may not take this action on this request."""


class RequestChanged(ActionRefused):
    """Somebody else acted on the request first; the person should look again."""


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
