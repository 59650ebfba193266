from __future__ import annotations

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp,.dds,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class BackgroundForm(forms.Form):
    files = MultipleFileField(label="Map images", help_text="The six minimap_sea_{row}_{col} pictures (PNG, JPEG, "
                              "WebP or DDS, up to 30 MB each), or one zip of {z}/{x}/{y} tiles.")
