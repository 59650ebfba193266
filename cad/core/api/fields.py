from __future__ import annotations

from rest_framework import serializers


class ChoiceField(serializers.ChoiceField):
    """A choice field whose error names every allowed value, as the seeds' clients expect."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {})
        super().__init__(*args, **kwargs)
        allowed = ", ".join(str(c) for c in self.choices)
        self.error_messages["invalid_choice"] = f'"{{input}}" is not allowed; use one of: {allowed}.'
