"""Forms of the civilian pages. Labels are the visible names people (and the browser tests) use;
the services check the rules, these only shape the input."""

from __future__ import annotations

from django import forms

from cad.core.choices import Role
from cad.core.models import Department

from .choices import FIRST_RESPONDER_TYPES, CharacterType


class CharacterForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=60)
    last_name = forms.CharField(label="Last name", max_length=60)
    date_of_birth = forms.DateField(label="Date of birth", required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    gender = forms.CharField(label="Gender", max_length=20, required=False)
    address = forms.CharField(label="Address", max_length=200, required=False)
    phone = forms.CharField(label="Phone", max_length=32, required=False)
    type = forms.ChoiceField(label="Type", choices=CharacterType.choices, initial=CharacterType.CIVILIAN)
    department = forms.ModelChoiceField(label="Department", queryset=Department.objects.none(), required=False)
    callsign = forms.CharField(label="Callsign", max_length=32, required=False)
    rank = forms.CharField(label="Rank", max_length=60, required=False)

    def __init__(self, *args, community, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_community(community).live()
        if not Role(role).at_least(Role.OFFICER):
            # 004: leo, ems and fd characters reach dispatch; a civilian member plays civilian or tow.
            self.fields["type"].choices = [c for c in CharacterType.choices if c[0] not in FIRST_RESPONDER_TYPES]


class MugshotForm(forms.Form):
    mugshot = forms.FileField(label="Mugshot", help_text="JPEG, PNG or WebP; the community sets the size limit.")


class VehicleForm(forms.Form):
    plate = forms.CharField(label="Plate", max_length=12)
    make = forms.CharField(label="Make", max_length=60, required=False)
    model = forms.CharField(label="Model", max_length=60, required=False)
    color = forms.CharField(label="Colour", max_length=40, required=False)
    year = forms.IntegerField(label="Year", required=False, min_value=1900, max_value=2100)
    vin = forms.CharField(label="VIN", max_length=17, required=False)


class WeaponForm(forms.Form):
    serial_number = forms.CharField(label="Serial number", max_length=40)
    make = forms.CharField(label="Make", max_length=60, required=False)
    model = forms.CharField(label="Model", max_length=60, required=False)
    caliber = forms.CharField(label="Calibre", max_length=30, required=False)


class WeaponLicenseApplicationForm(forms.Form):
    notes = forms.CharField(label="Why the character needs a weapons licence", max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))


class LicenseForm(forms.Form):
    license_class = forms.ModelChoiceField(label="Licence class", queryset=None)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from cad.core.models import LicenseClass

        self.fields["license_class"].queryset = LicenseClass.objects.for_community(community).live()
