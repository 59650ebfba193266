from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form; its fields are labelled `Username` and `Password`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class CommunitySwitchForm(forms.Form):
    """Offers only the user's own memberships: any other ID is a form error, never a switch."""

    community = forms.ChoiceField(label="Community")

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_id = {str(m.community_id): m.community for m in memberships}
        self.fields["community"].choices = [(str(m.community_id), m.community.name) for m in memberships]

    def clean_community(self):
        return self.by_id[self.cleaned_data["community"]]
