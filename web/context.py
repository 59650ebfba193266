"""Template context for every page: the shell's navigation and community switcher."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from cad.core.choices import Role

# (URL name, label, minimum role). A page appears once its app defines the URL name, so the shell
# never links to a page that does not exist.
NAVIGATION: tuple[tuple[str, str, Role], ...] = (
    ("dispatch", "Dispatch", Role.OFFICER),
    ("map", "Map", Role.OFFICER),
    ("mdt", "MDT", Role.OFFICER),
    ("records", "Records", Role.OFFICER),
    ("characters", "Characters", Role.CIVILIAN),
    ("settings", "Settings", Role.SUPERVISOR),  # supervisors read members and value lists
)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _memberships(request) -> list:
    if not hasattr(request, "memberships"):
        from .access import memberships

        request.memberships = memberships(getattr(request, "user", None))
    return request.memberships


def shell(request) -> dict:
    role = getattr(request, "role", None)
    community = getattr(request, "community", None)
    nav = []
    if role is not None:
        for name, label, minimum in NAVIGATION:
            url = _url(name)
            if url is not None and Role(role).at_least(minimum):
                nav.append({"name": name, "label": label, "url": url,
                            "current": request.resolver_match is not None
                            and request.resolver_match.url_name == name})
    rows = _memberships(request)
    return {
        "nav": nav,
        "current_community": community,
        "current_role": Role(role) if role is not None else None,
        "memberships": rows,
        # The member's own row in the page's community (None for a superuser who is not a member): the
        # pages' sound module reads its alert volume from it.
        "current_membership": next((m for m in rows if community is not None and m.community_id == community.pk),
                                   None),
    }
