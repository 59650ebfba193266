import django.core.validators
from django.db import migrations, models

# The type colours as they were when departments got a colour of their own (the map's old per-type colours).
TYPE_COLORS = {
    "police": "#2563eb", "sheriff": "#a16207", "state": "#0f766e", "fire": "#dc2626", "ems": "#16a34a",
    "tow": "#ea580c", "dispatch": "#7c3aed",
}


def fill(apps, schema_editor):
    Department = apps.get_model("core", "Department")
    for kind, color in TYPE_COLORS.items():
        Department._base_manager.filter(type=kind, color="").update(color=color)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_dispatch_state_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="department",
            name="color",
            field=models.CharField(blank=True, default="", max_length=7, validators=[
                django.core.validators.RegexValidator("^#[0-9a-fA-F]{6}$", "A colour like #22c55e.")]),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
