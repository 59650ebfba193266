"""Pages of one's own account and of invite links: /account, /invite/<secret>; /account/volume keeps the
member's alert volume (the board's and the MDT's slider)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_POST

from cad.core import services as core_services
from cad.core.choices import Role
from cad.core.errors import DomainError, Invalid, NotFound
from cad.core.forms import service_errors
from cad.core.models import Membership
from web.access import page

from . import services
from .adapter import SESSION_INVITE
from .choices import InviteState
from .forms import InviteSignUpForm


def discord_enabled() -> bool:
    return bool(settings.DISCORD_CLIENT_ID)


def _password_form(user, data=None):
    form_class = PasswordChangeForm if user.has_usable_password() else SetPasswordForm
    return form_class(user, data)


def account(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return _render_account(request)


def _render_account(request, password_form=None, status=200):
    profile = core_services.profile_for(request.user)
    return render(request, "accounts/account.html", {
        "profile": profile,
        "account_memberships": Membership.objects.filter(user=request.user).select_related("community")
        .order_by("community__name"),
        "discord_enabled": discord_enabled(),
        "password_form": password_form or _password_form(request.user),
    }, status=status)


@require_POST
def account_password(request):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("account"), settings.LOGIN_URL)
    form = _password_form(request.user, request.POST)
    if not form.is_valid():
        return _render_account(request, password_form=form, status=400)
    form.save()
    update_session_auth_hash(request, form.user)
    messages.success(request, "Password saved.")
    return redirect("account")


@require_POST
def discord_unlink(request):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("account"), settings.LOGIN_URL)
    try:
        services.discord_unlink(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("account")
    messages.success(request, "Discord unlinked.")
    return redirect("account")


@require_POST
@page(Role.OFFICER)  # the pages that play alerts (board, MDT) are officers' and up
def account_volume(request):
    """The signed-in member's alert volume in the active community (`volume`, 0-100): the page's slider
    posts here; the answer is JSON for its script."""
    try:
        membership = services.sound_volume_set(user=request.user, community=request.community,
                                               volume=request.POST.get("volume", ""))
    except Invalid as exc:
        return JsonResponse({"error": exc.message, "fields": exc.fields}, status=400)
    except NotFound as exc:
        return JsonResponse({"error": exc.message}, status=404)
    return JsonResponse({"volume": membership.sound_volume})


def invite(request, secret: str):
    invite = services.invite_for_link(secret)
    if invite is None:
        return render(request, "accounts/invite.html", {"problem": "This invite link is not valid."}, status=404)
    context = {"invite": invite, "secret": secret, "discord_enabled": discord_enabled()}
    if invite.state != InviteState.OPEN:
        joined = invite.used_by_id is not None and invite.used_by_id == getattr(request.user, "pk", None)
        context["problem"] = None if joined else services.STATE_MESSAGES[invite.state]
        context["joined"] = joined
        return render(request, "accounts/invite.html", context, status=200 if joined else 410)
    if request.user.is_authenticated:
        return render(request, "accounts/invite.html", context)
    # Remembered for a Discord sign-up that starts from this page (allauth's flow leaves it and returns).
    request.session[SESSION_INVITE] = secret
    form = InviteSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = None
        with service_errors(form):
            user = services.signup_with_invite(invite=invite, username=form.cleaned_data["username"],
                                               password=form.cleaned_data["password"])
        if user is not None:
            request.session.pop(SESSION_INVITE, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invite.community.name}.")
            return redirect("/")
    context["form"] = form
    return render(request, "accounts/invite.html", context, status=400 if form.errors else 200)


@require_POST
def invite_accept(request, secret: str):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("invite", args=[secret]), settings.LOGIN_URL)
    invite = services.invite_for_link(secret)
    if invite is None:
        return render(request, "accounts/invite.html", {"problem": "This invite link is not valid."}, status=404)
    try:
        services.invite_accept(invite=invite, user=request.user)
    except DomainError as exc:
        return render(request, "accounts/invite.html", {"invite": invite, "problem": exc.message}, status=410)
    _activate(request.user, invite.community)
    messages.success(request, f"You joined {invite.community.name} as {invite.get_role_display()}.")
    return redirect("/")


def _activate(user, community) -> None:
    profile = core_services.profile_for(user)
    if profile.active_community_id != community.pk:
        profile.active_community = community
        profile.save(update_fields=["active_community"])


def to_sign_in(request):
    """allauth's own password pages are not part of the product: sign-in is settings.LOGIN_URL."""
    target = resolve_url(settings.LOGIN_URL)
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return redirect(target)
