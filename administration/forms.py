from __future__ import annotations

from django import forms

from cad.core.choices import BoloPermission, Role
from cad.core.models import (
    OVERDUE_MAX_MINUTES,
    OVERDUE_STATUSES,
    Community,
    Department,
    overdue_minutes_errors,
)
from cad.core.services import SOUND_EVENTS, VALUE_LISTS


class ModulesForm(forms.ModelForm):
    """Modules and thresholds: the community settings an admin changes here (the API's names)."""

    bolo_permission = forms.ChoiceField(label="BOLO permission", choices=BoloPermission.choices,
                                        help_text="Who may create and edit BOLOs.")
    call_expiry_minutes = forms.IntegerField(label="Close inactive calls after (minutes)", min_value=1,
                                             max_value=10080)
    dmv_point_threshold = forms.IntegerField(label="Points before a suspension", min_value=1, max_value=1000)
    dmv_point_expiry_days = forms.IntegerField(label="Points expire after (days)", min_value=1, max_value=36500)
    dmv_suspension_days = forms.IntegerField(label="Suspension length (days)", min_value=1, max_value=36500)

    class Meta:
        model = Community
        fields = ["name", "bolo_permission", "call911_approval", "call_expiry_minutes", "dmv_enabled",
                  "dmv_points_enabled", "dmv_self_register", "dmv_point_threshold", "dmv_point_expiry_days",
                  "dmv_suspension_days", "weapons_enabled", "duty_webhook_url"]
        labels = {
            "name": "Community name", "call911_approval": "911 calls wait for a dispatcher's approval",
            "dmv_enabled": "DMV module", "dmv_points_enabled": "DMV point suspensions",
            "dmv_self_register": "Members register their own licences", "weapons_enabled": "Weapons module",
            "duty_webhook_url": "Duty Change Webhook",
        }
        help_texts = {"call911_approval": "", "duty_webhook_url": "A Discord webhook URL (https)."}

    duty_webhook_url = forms.URLField(label="Duty Change Webhook", required=False, assume_scheme="https",
                                      help_text="A Discord webhook URL (https).")

    # One field per status the board can flag (`Community.overdue_minutes`, the API's `overdueMinutes`).
    OVERDUE_LABELS = {"pending": "Pending", "assigned": "Assigned", "enroute": "En route", "on-scene": "On scene"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.overdue_minutes if isinstance(self.instance.overdue_minutes, dict) else {}
        for status in OVERDUE_STATUSES:
            name = self.overdue_field(status)
            self.fields[name] = forms.IntegerField(
                label=f"Overdue after, {self.OVERDUE_LABELS[status].lower()} (minutes)", required=False,
                min_value=1, max_value=OVERDUE_MAX_MINUTES,
                help_text="Empty: never flagged." if status == OVERDUE_STATUSES[0] else "")
            self.initial.setdefault(name, current.get(status))

    @staticmethod
    def overdue_field(status: str) -> str:
        return "overdue_" + status.replace("-", "_")

    def clean(self):
        cleaned = super().clean()
        thresholds = {status: cleaned.get(self.overdue_field(status)) for status in OVERDUE_STATUSES}
        if not any(self.overdue_field(s) in self.errors for s in OVERDUE_STATUSES):
            for error in overdue_minutes_errors(thresholds):
                self.add_error(None, error)
        cleaned["overdue_minutes"] = {k: v for k, v in thresholds.items() if v is not None}
        return cleaned

    def changes(self) -> dict:
        """The community's settings this form changes, by model field name (the thresholds as one)."""
        overdue = {self.overdue_field(s) for s in OVERDUE_STATUSES}
        changed = {name: self.cleaned_data[name] for name in self.changed_data if name not in overdue}
        if overdue & set(self.changed_data):
            changed["overdue_minutes"] = self.cleaned_data["overdue_minutes"]
        return changed

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the community a name.")
        return name

    def clean_duty_webhook_url(self):
        from cad.core.webhooks import WebhookRefused, validate_webhook_url

        value = self.cleaned_data["duty_webhook_url"]
        if value:
            try:
                validate_webhook_url(value)
            except WebhookRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        return value


class SoundForm(forms.Form):
    event = forms.ChoiceField(choices=[(e, e) for e in SOUND_EVENTS], widget=forms.HiddenInput)
    enabled = forms.BooleanField(label="On", required=False)
    volume = forms.IntegerField(label="Volume (%)", min_value=0, max_value=100)
    file = forms.FileField(label="Custom sound", required=False, help_text="MP3, Ogg or WAV, up to 2 MB.")


class InviteForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.CIVILIAN)
    note = forms.CharField(label="For", max_length=120, required=False, help_text="Who the link is for (optional).")


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=80, initial="FiveM server")


class RoleMappingForm(forms.Form):
    guild_id = forms.CharField(label="Discord server (guild) ID", max_length=25)
    discord_role_id = forms.CharField(label="Discord role ID", max_length=25)
    role = forms.ChoiceField(label="Community role", choices=Role.choices, initial=Role.CIVILIAN)


class ImportForm(forms.Form):
    file = forms.FileField(label="Value lists file (JSON)")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        return [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]


class MapImagesForm(forms.Form):
    files = MultipleFileField(label="Map pictures or tile zip",
                              help_text="The six minimap_sea_{row}_{col} pictures, or one zip of {z}/{x}/{y} tiles.")


class PostalsForm(forms.Form):
    file = forms.FileField(label="Postal table (JSON)",
                           help_text='The common nearest-postal file: [{"code": "2000", "x": 2325.43, "y": 5147.21}, ...].')


VALUE_LABELS = {
    "departments": "Departments", "divisions": "Divisions", "call-types": "Call types",
    "status-codes": "Status codes", "dispositions": "Dispositions", "license-classes": "Licence classes",
    "report-types": "Report types", "penal-codes": "Penal codes",
}
FIELD_LABELS = {"short_name": "Short name", "default_priority": "Default priority", "color": "Colour",
                "jail_minutes": "Jail (minutes)", "department_types": "Department types",
                "position": "Order"}


def value_form(kind: str, community, *args, **kwargs) -> forms.Form:
    """A plain form for one entry of a value list (the service validates the entry itself)."""
    from cad.core.choices import DepartmentType

    model, names, _key = VALUE_LISTS[kind]
    fields = forms.models.fields_for_model(model, fields=list(names), labels={
        name: FIELD_LABELS.get(name, name.replace("_", " ").capitalize()) for name in names})
    if "department" in fields:
        fields["department"].queryset = Department.objects.for_community(community).live()
    if "color" in fields and model is Department:
        # Text, not a colour picker: a picker cannot be left blank, and blank means "the type's colour".
        fields["color"].widget = forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}", "maxlength": 7,
                                                        "placeholder": "#2563eb"})
        fields["color"].help_text = "Map markers and unit swatches, as #rrggbb. Blank: the colour of the type."
    elif "color" in fields:
        fields["color"].widget = forms.TextInput(attrs={"type": "color"})
    if "department_types" in fields:
        fields["department_types"] = forms.MultipleChoiceField(
            label="Department types", choices=DepartmentType.choices, required=False,
            widget=forms.CheckboxSelectMultiple, help_text="None ticked: every department may file it.")
    if "position" in fields:
        fields["position"].required = False
    form_class = type(f"{model.__name__}Form", (forms.Form,), dict(fields))
    return form_class(*args, prefix=kind, **kwargs)
