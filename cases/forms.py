"""Forms for finding children."""

from django import forms
from django.db.models import Q


class ChildSearchForm(forms.Form):
    q = forms.CharField(label="Name or local child ID", required=False, max_length=100)

    def terms(self) -> list[str]:
        return self.cleaned_data["q"].split() if self.is_valid() else []

    def filter(self, children):
        """The children matching every word of the search, by name or local child ID."""
        for term in self.terms():
            children = children.filter(
                Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(local_child_id__icontains=term)
            )
        return children
