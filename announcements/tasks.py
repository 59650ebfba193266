from celery import shared_task

from . import services


@shared_task(name="announcements.tasks.expire_announcements", ignore_result=True)
def expire_announcements() -> int:
    """Beat (every 30 s): publish `announcement-removed` once per expired announcement."""
    return services.announcements_expire()
