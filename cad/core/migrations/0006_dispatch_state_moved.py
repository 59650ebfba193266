"""The area of play and Signal 100 are dispatch's (dispatch.DispatchState): dropped here once dispatch has
copied them (the dependency below is the only place the kernel names that app)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_alter_auditentry_changes_alter_community_sounds'),
        ('dispatch', '0003_dispatch_state'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='community',
            name='area_of_play',
        ),
        migrations.RemoveField(
            model_name='community',
            name='signal100',
        ),
        migrations.RemoveField(
            model_name='community',
            name='signal100_call_id',
        ),
    ]
