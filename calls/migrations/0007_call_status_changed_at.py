import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    """Best evidence of when each existing call's status last changed: an ended call's closing time;
    an open call's latest "Status changed" narrative entry; else its creation (a call created with
    units becomes assigned in the same moment, without a note)."""
    Call = apps.get_model("calls", "Call")
    CallNote = apps.get_model("calls", "CallNote")
    calls = Call._base_manager
    calls.filter(status__in=("closed", "cancelled")).update(
        status_changed_at=Coalesce("closed_at", "last_activity_at"))
    latest = (CallNote._base_manager.filter(call_id=OuterRef("pk"), kind="system",
                                            text__startswith="Status changed from ")
              .order_by("-created_at").values("created_at")[:1])
    calls.exclude(status__in=("closed", "cancelled")).update(
        status_changed_at=Coalesce(Subquery(latest), "created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0006_alter_call_metadata"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="status_changed_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
