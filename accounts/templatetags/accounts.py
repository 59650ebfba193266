from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def discord_sign_in_enabled() -> bool:
    """Whether the deployment configured a Discord application (DISCORD_CLIENT_ID)."""
    return bool(settings.DISCORD_CLIENT_ID)
