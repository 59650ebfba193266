"""The area of play and Signal 100 move from the community (kernel) to dispatch's own row, data copied.
The community's columns are dropped by core's next migration, which runs after this one."""

import django.db.models.deletion
import django.db.models.manager
import uuid
from django.db import migrations, models


def copy_from_communities(apps, schema_editor):
    Community = apps.get_model("core", "Community")
    Call = apps.get_model("calls", "Call")
    DispatchState = apps.get_model("dispatch", "DispatchState")
    declared = Community.objects.exclude(area_of_play="", signal100=False)
    for community in declared.iterator():
        call_id = community.signal100_call_id
        if call_id is not None and not Call.objects.filter(pk=call_id, community_id=community.pk).exists():
            call_id = None  # the UUID pointed at nothing this community has: the FK cannot keep it
        DispatchState.objects.create(community_id=community.pk, area_of_play=community.area_of_play,
                                     signal100=community.signal100, signal100_call_id=call_id)


def copy_back(apps, schema_editor):
    Community = apps.get_model("core", "Community")
    DispatchState = apps.get_model("dispatch", "DispatchState")
    for state in DispatchState.objects.iterator():
        Community.objects.filter(pk=state.community_id).update(
            area_of_play=state.area_of_play, signal100=state.signal100, signal100_call_id=state.signal100_call_id)


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0005_panic_alert'),
        ('core', '0004_sound_file'),
        ('dispatch', '0002_dispatchers_tones'),
    ]

    operations = [
        migrations.CreateModel(
            name='DispatchState',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('area_of_play', models.CharField(blank=True, default='', max_length=200)),
                ('signal100', models.BooleanField(default=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.community')),
                ('signal100_call', models.ForeignKey(blank=True, help_text='The call Signal 100 was declared for, if any.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='calls.call')),
            ],
            options={
                'abstract': False,
                'base_manager_name': '_plain',
                'constraints': [models.UniqueConstraint(fields=('community',), name='dispatch_state_one_per_community')],
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('_plain', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(copy_from_communities, copy_back),
    ]
