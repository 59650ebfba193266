"""The MDT's forms: they only parse; the records services decide (clamping points, DMV rules)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from records.choices import MAX_CITATION_POINTS


class LookupForm(forms.Form):
    q = forms.CharField(label="Lookup", max_length=100, strip=True)


class CitationForm(forms.Form):
    violation = forms.CharField(label="Violation", max_length=200)
    fine_amount = forms.DecimalField(label="Fine", min_value=Decimal("0"), max_digits=12, decimal_places=2,
                                     initial=0)
    points = forms.IntegerField(label="Points", min_value=0, max_value=MAX_CITATION_POINTS, initial=0,
                                help_text="DMV points, 0-12.")


class ArrestForm(forms.Form):
    charges = forms.CharField(label="Charges", max_length=2000,
                              help_text="Penal codes or names, separated by commas.")
    jail_time_min = forms.IntegerField(label="Jail time (minutes)", min_value=0, max_value=525_600, required=False,
                                       help_text="Empty: the penal codes' total.")
    fine_amount = forms.DecimalField(label="Arrest fine", min_value=Decimal("0"), max_digits=12, decimal_places=2,
                                     required=False, help_text="Empty: the penal codes' total.")
    report = forms.ChoiceField(label="Linked report", required=False)

    def __init__(self, *args, reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reports = {str(r.pk): r for r in reports}
        self.fields["report"].choices = [("", "None")] + [(str(r.pk), f"#{r.number} {r.title}") for r in reports]

    def clean_report(self):
        value = self.cleaned_data["report"]
        return self.reports.get(value) if value else None


class WarrantForm(forms.Form):
    title = forms.CharField(label="Warrant for", max_length=200)
    description = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=4000)


class StatusForm(forms.Form):
    status = forms.CharField(max_length=40)


class DutyForm(forms.Form):
    on = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")], coerce=lambda v: v == "1")


class ProgressForm(forms.Form):
    state = forms.ChoiceField(choices=[("enroute", "En route"), ("on_scene", "On scene")])


class CloseForm(forms.Form):
    disposition = forms.CharField(max_length=120, required=False)
