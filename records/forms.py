"""Forms of the records pages: they parse what a person typed; records.services decides."""

from __future__ import annotations

import re
import uuid

from django import forms

from .choices import ReportKind

_PERSON_SPLIT = re.compile(r"\s+[—–-]\s+|:\s*")


class ReportForm(forms.Form):
    type = forms.ChoiceField(label="Report type")
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(label="Narrative", widget=forms.Textarea(attrs={"rows": 8}), max_length=50_000)
    evidence = forms.CharField(label="Evidence", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=10_000)
    persons = forms.CharField(label="Involved persons", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="One a line: a name, then optionally “ — ” and notes.", max_length=10_000)
    vehicles = forms.CharField(label="Involved vehicles", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               help_text="One plate a line; add “stolen” after a stolen one.", max_length=2_000)
    call = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, types: list[str], community=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReportKind.choices)
        self.fields["type"].choices = [(code, labels.get(code, code)) for code in types]
        self.community = community

    def clean_persons(self) -> list[dict]:
        out = []
        for line in self.cleaned_data["persons"].splitlines():
            line = line.strip()
            if not line:
                continue
            parts = _PERSON_SPLIT.split(line, maxsplit=1)
            out.append({"name": parts[0].strip(), "notes": parts[1].strip() if len(parts) > 1 else ""})
        return out

    def clean_vehicles(self) -> list[dict]:
        out = []
        for line in self.cleaned_data["vehicles"].splitlines():
            words = line.split()
            if not words:
                continue
            stolen = len(words) > 1 and words[-1].lower() == "stolen"
            out.append({"plate": "".join(words[:-1] if stolen else words), "is_stolen": stolen})
        return out

    def clean_call(self):
        from calls.selectors import call_queryset

        value = self.cleaned_data["call"].strip()
        if not value:
            return None
        try:
            call = call_queryset(self.community).filter(pk=uuid.UUID(value)).first()
        except ValueError:
            call = None
        if call is None:
            raise forms.ValidationError("That call does not exist.")
        return call

    def service_arguments(self, *, about=None) -> dict:
        data = self.cleaned_data
        persons = list(data["persons"])
        if about is not None:
            for person in persons:
                if person["name"].lower() == about.full_name.lower():
                    person["character_id"] = str(about.pk)
        return {"type": data["type"], "title": data["title"], "body": data["body"], "evidence": data["evidence"],
                "involved_persons": persons, "involved_vehicles": data["vehicles"], "call": data["call"]}

    @staticmethod
    def initial_for(report) -> dict:
        persons = "\n".join(f"{p['name']} — {p['notes']}" if p.get("notes") else p["name"]
                            for p in report.involved_persons)
        vehicles = "\n".join(f"{v['plate']} stolen" if v.get("is_stolen") else v["plate"]
                             for v in report.involved_vehicles)
        return {"type": report.type, "title": report.title, "body": report.body, "evidence": report.evidence,
                "persons": persons, "vehicles": vehicles, "call": str(report.call_id) if report.call_id else ""}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(label="Reason", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
