from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "cad.realtime"
    label = "realtime"
    verbose_name = "Real time"

    def ready(self) -> None:
        from celery.signals import task_prerun
        from django.utils.module_loading import autodiscover_modules

        from .bridge import on_task_prerun

        # Embedded mode: a process that executes Celery tasks forwards its events to the web process.
        task_prerun.connect(on_task_prerun, weak=False, dispatch_uid="cad.realtime.bridge")
        # Every app's event catalogue (`<app>/events.py`) and socket client events (`<app>/sockets.py`).
        autodiscover_modules("events", "sockets")
