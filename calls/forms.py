from __future__ import annotations

from django import forms


class Call911Form(forms.Form):
    """A member of the public calling 911 from the browser (labels are what people look for)."""

    location = forms.CharField(label="Location", max_length=200, help_text="Street or landmark.")
    postal = forms.CharField(label="Postal", max_length=20, required=False)
    description = forms.CharField(label="What is happening", max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    caller = forms.CharField(label="Your name", max_length=120, required=False)
