"""/911: any member calls 911 from the browser (as the in-game /911 does) and follows their calls'
status, live: the page listens for `my-911-call-updated` (sent to the caller alone) and re-reads
/911/mine on it and on every resync. With the community's 911 approval on, the call waits for a
dispatcher (001)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render

from cad.core.choices import Role
from cad.core.forms import service_errors
from characters.services import active_character
from web.access import page

from . import services
from .choices import CallApproval, CallOrigin
from .forms import Call911Form
from .inputs import CallInput
from .models import Call

MY_CALLS = 8


def _my_calls(request) -> list[Call]:
    """The caller's recent 911 calls, those awaiting approval and those declined (a declined call is
    archived at once, and its caller must still read that it was declined) included."""
    return list(Call.objects.for_community(request.community).filter(
        Q(archived_at__isnull=True) | Q(approval=CallApproval.DECLINED),
        created_by=request.user, origin=CallOrigin.CALLER,
    ).order_by("-created_at")[:MY_CALLS])


def _waits(request) -> bool:
    return services.call911_needs_approval(community=request.community, role=request.role, from_dispatch=False)


@page(Role.CIVILIAN)
def call_911(request):
    active = active_character(request.user, request.community)
    form = Call911Form(request.POST or None, initial={"caller": active.full_name if active else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        waits = _waits(request)
        with service_errors(form):
            call = services.call_create(
                community=request.community, by_user=request.user, by_character=active, awaiting_approval=waits,
                data=CallInput(title="911 call", location=data["location"], postal=data["postal"],
                               description=data["description"], origin=CallOrigin.CALLER,
                               caller=data["caller"] or (active.full_name if active else request.user.get_username())))
            messages.success(request, f"911 call #{call.number} sent." + (
                " A dispatcher reviews it before it reaches the board." if waits else " Help is on the way."))
            return redirect("call-911")
    return render(request, "calls/call_911.html", {
        "live": True, "form": form, "my_calls": _my_calls(request), "approval_needed": _waits(request),
    }, status=400 if form.errors else 200)


@page(Role.CIVILIAN)
def my_calls(request):
    """The caller's 911 calls with their status (the /911 page refreshes this fragment)."""
    return render(request, "calls/my_calls.html", {"my_calls": _my_calls(request)})
