"""Board forms: they clean what a person typed; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from calls.choices import CallOrigin, CallPriority, CallStatus

PRIORITY_CHOICES = [(p.value, f"{p.value} – {p.label}") for p in CallPriority]


class BoardForm(forms.Form):
    """Several forms share the board page: each gets its own element IDs (`id_prefix`)."""

    id_prefix = "board"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class NewCallForm(BoardForm):
    id_prefix = "new-call"

    call_type = forms.CharField(label="Type", max_length=120, required=False,
                                help_text="Pick a call type or type your own.",
                                widget=forms.TextInput(attrs={"list": "call-types", "autocomplete": "off"}))
    title = forms.CharField(label="Title", max_length=200, required=False)
    location = forms.CharField(label="Location", max_length=200)
    postal = forms.CharField(label="Postal", max_length=20, required=False)
    priority = forms.TypedChoiceField(label="Priority", choices=PRIORITY_CHOICES, coerce=int, initial=2)
    caller = forms.CharField(label="Caller", max_length=120, required=False)
    origin = forms.ChoiceField(label="Origin", choices=CallOrigin.choices, initial=CallOrigin.RADIO_DISPATCH)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("call_type") or "").strip() and not (data.get("title") or "").strip():
            self.add_error("call_type", "Give the call a type or a title.")
        return data


class EditCallForm(BoardForm):
    """`version` is the call's `updated_at` when the form was rendered: a save over someone else's newer
    change is refused instead of overwriting it."""

    id_prefix = "edit-call"

    call_type = forms.CharField(label="Type", max_length=120, required=False)
    title = forms.CharField(label="Title", max_length=200, required=False)
    location = forms.CharField(label="Location", max_length=200, required=False)
    postal = forms.CharField(label="Postal", max_length=20, required=False)
    priority = forms.TypedChoiceField(label="Priority", choices=PRIORITY_CHOICES, coerce=int)
    caller = forms.CharField(label="Caller", max_length=120, required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.DateTimeField(widget=forms.HiddenInput)


class NoteForm(BoardForm):
    id_prefix = "note"

    text = forms.CharField(label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(BoardForm):
    id_prefix = "assign"

    unit = forms.UUIDField(label="Unit")


class CallStatusForm(BoardForm):
    id_prefix = "call-status"

    status = forms.ChoiceField(label="Status", choices=[
        (s.value, s.label) for s in CallStatus if s not in (CallStatus.CLOSED, CallStatus.CANCELLED)])


class CloseCallForm(BoardForm):
    id_prefix = "close-call"

    disposition = forms.CharField(label="Disposition", max_length=120)
    notes = forms.CharField(label="Closing remarks", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnitStatusForm(BoardForm):
    id_prefix = "unit-status"

    status = forms.CharField(label="Status", max_length=40)


class AopForm(BoardForm):
    id_prefix = "aop"

    aop = forms.CharField(label="Area of play", max_length=200)


class ToneForm(BoardForm):
    id_prefix = "tone"

    description = forms.CharField(label="Tone", max_length=200)
    leo = forms.BooleanField(label="LEO", required=False, initial=True)
    ems_fd = forms.BooleanField(label="EMS / Fire", required=False)


class AttachForm(BoardForm):
    id_prefix = "attach"

    query = forms.CharField(label="Name, licence or plate", max_length=120)
