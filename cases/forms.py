"""Forms for finding children."""

from django import forms


class ChildSearchForm(forms.Form):
    q = forms.CharField(label="Name or local child ID", required=False, max_length=100)

    def terms(self) -> list[str]:
        return self.cleaned_data["q"].split() if self.is_valid() else []
