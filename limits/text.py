"""How long free text may be, and the GOV.UK character count that shows it as the person types.

Every free-text answer is a `long_text` field: at most LONG_TEXT characters (about two pages), more
being refused with the GOV.UK message rather than cut or stored (a 2 MB answer once went into the
permanent trail). The browser's own `maxlength` is left off, as GOV.UK advises: the count tells the
person, and the form refuses what is over.
"""

from django import forms

LONG_TEXT = 5000


def too_long_message(label: str, max_length: int) -> str:
    name = (label or "The answer").rstrip("?:")
    return f"{name} must be {max_length:,} characters or fewer"


class CharacterCountTextarea(forms.Textarea):
    """A GOV.UK textarea inside the character count component (govuk-frontend's JS counts as one types)."""

    template_name = "limits/character_count_textarea.html"

    def __init__(self, *, max_length: int = LONG_TEXT, rows: int = 5, attrs=None):
        self.max_length = max_length
        super().__init__(attrs={"rows": rows, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.pop("maxlength", None)
        classes = widget_attrs.get("class", "").split()
        widget_attrs["class"] = " ".join(dict.fromkeys(["govuk-textarea", *classes, "govuk-js-character-count"]))
        if widget_attrs.get("id"):
            described = widget_attrs.get("aria-describedby", "").split()
            widget_attrs["aria-describedby"] = " ".join([*described, f"{widget_attrs['id']}-info"])
        context["widget"]["max_length"] = self.max_length
        return context


def long_text(label: str = "", *, max_length: int = LONG_TEXT, rows: int = 5, required: bool = False, **kwargs):
    """A free-text answer: optional by default, at most `max_length` characters, with a character count."""
    error_messages = {"max_length": too_long_message(label, max_length), **kwargs.pop("error_messages", {})}
    return forms.CharField(
        label=label or None,
        required=required,
        max_length=max_length,
        widget=CharacterCountTextarea(max_length=max_length, rows=rows),
        error_messages=error_messages,
        **kwargs,
    )
