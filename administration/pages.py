"""/settings: community administration. Admins change everything here; supervisors read the members
and value lists (the API lets them read, not change). Every POST checks the role again on the server,
and every row is looked up inside the page's community, so another community's is a 404."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.models import DiscordRoleMapping, Invite
from cad.core import services
from cad.core.choices import Role
from cad.core.errors import DomainError
from cad.core.forms import add_domain_error, service_errors
from cad.core.models import ApiToken, AuditEntry, Membership
from web.access import community_object_or_404, page

from . import forms

AUDIT_PAGE = 50


def _admin(request) -> bool:
    return request.role.at_least(Role.ADMIN)


def _render(request, template: str, context: dict, status: int = 200):
    return render(request, f"administration/{template}", {"is_admin": _admin(request), **context}, status=status)


# --- modules, thresholds, sounds, webhook --------------------------------------------------------------
@page(Role.SUPERVISOR)
def settings_page(request):
    return _render_settings(request)


def _sound_forms(community) -> list[tuple[dict, forms.SoundForm]]:
    rows = []
    by_event = {s.get("event"): s for s in (community.sounds or []) if isinstance(s, dict)}
    for event in services.SOUND_EVENTS:
        entry = by_event.get(event, {"event": event, "enabled": True, "volume": 1.0, "custom_url": None})
        volume = entry.get("volume", 1)
        rows.append((entry, forms.SoundForm(prefix=f"sound-{event}", initial={
            "event": event, "enabled": bool(entry.get("enabled", True)),
            "volume": round(float(volume if isinstance(volume, int | float) else 1) * 100)})))
    return rows


def _render_settings(request, modules_form=None, status=200, **extra):
    community = request.community
    form = modules_form or forms.ModulesForm(instance=community)
    if not _admin(request):
        for field in form.fields.values():
            field.disabled = True
    return _render(request, "settings.html", {
        "section": "settings", "modules_form": form, "sounds": _sound_forms(community), **extra,
    }, status=status)


@require_POST
@page(Role.ADMIN)
def settings_save(request):
    community = request.community
    form = forms.ModulesForm(request.POST, instance=_copy(community))
    if form.is_valid():
        changed = form.changes()
        with service_errors(form):
            services.community_update(community=community, by=request.user, **changed)
            messages.success(request, "Settings saved." if changed else "Nothing changed.")
            return redirect("settings")
    return _render_settings(request, modules_form=form, status=400)


def _copy(community):
    """The form validates against a copy, so a refused change never touches the page's community."""
    from copy import copy

    return copy(community)


@require_POST
@page(Role.ADMIN)
def sound_save(request, event: str):
    if event not in services.SOUND_EVENTS:
        raise Http404("Not found.")
    community = request.community
    form = forms.SoundForm(request.POST, request.FILES, prefix=f"sound-{event}")
    if form.is_valid() and form.cleaned_data["event"] == event:
        with service_errors(form):
            upload = form.cleaned_data.get("file")
            if upload:
                services.sound_upload(community=community, event=event, upload=upload, by=request.user)
                community.refresh_from_db()
            sounds = services._sounds_with(community, event, enabled=form.cleaned_data["enabled"],
                                           volume=form.cleaned_data["volume"] / 100)
            services.community_update(community=community, by=request.user, sounds=sounds)
            messages.success(request, f"Sound “{event}” saved.")
            return redirect("settings")
    sounds = [(entry, form if entry["event"] == event else f) for entry, f in _sound_forms(community)]
    return _render(request, "settings.html", {
        "section": "settings", "modules_form": forms.ModulesForm(instance=community), "sounds": sounds,
    }, status=400)


@require_POST
@page(Role.ADMIN)
def sound_reset(request, event: str):
    if event not in services.SOUND_EVENTS:
        raise Http404("Not found.")
    services.sound_reset(community=request.community, event=event, by=request.user)
    messages.success(request, f"Sound “{event}” back to the built-in one.")
    return redirect("settings")


@require_POST
@page(Role.ADMIN)
def webhook_test(request):
    try:
        status = services.duty_webhook_test(community=request.community, by=request.user)
    except DomainError as exc:
        messages.error(request, f"Test not sent: {exc.message}")
    else:
        (messages.success if status < 400 else messages.error)(
            request, f"Test sent: the webhook answered HTTP {status}.")
    return redirect("settings")


# --- members and invites ---------------------------------------------------------------------------
@page(Role.SUPERVISOR)
def members(request):
    return _render_members(request)


def _render_members(request, status=200, **extra):
    community = request.community
    rows = list(Membership.objects.filter(community=community).select_related("user", "user__profile")
                .order_by("user__username"))
    for row in rows:
        row.role_form = forms.MemberRoleForm(initial={"role": row.role}, prefix=f"m-{row.pk}")
    invites = list(Invite.objects.for_community(community).select_related("created_by", "used_by")[:50]) \
        if _admin(request) else []
    return _render(request, "members.html", {
        "section": "members", "members": rows, "admins": sum(r.role == Role.ADMIN for r in rows),
        "invites": invites, "invite_form": extra.pop("invite_form", None) or forms.InviteForm(), **extra,
    }, status=status)


def _membership(request, pk) -> Membership:
    return community_object_or_404(Membership.objects.filter(community=request.community)
                                   .select_related("user"), pk=pk)


@require_POST
@page(Role.ADMIN)
def member_role(request, pk):
    membership = _membership(request, pk)
    form = forms.MemberRoleForm(request.POST, prefix=f"m-{membership.pk}")
    if form.is_valid():
        try:
            services.member_set_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _render_members(request, status=409)
        messages.success(request, f"{membership.user.username} is now {Role(form.cleaned_data['role']).label}.")
        return redirect("settings-members")
    messages.error(request, "Choose one of the roles.")
    return _render_members(request, status=400)


@require_POST
@page(Role.ADMIN)
def member_remove(request, pk):
    membership = _membership(request, pk)
    try:
        services.member_remove(membership=membership, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render_members(request, status=409)
    messages.success(request, f"{membership.user.username} was removed from the community.")
    return redirect("settings-members")


@require_POST
@page(Role.ADMIN)
def invite_create(request):
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        return _render_members(request, status=400, invite_form=form)
    invite, raw = account_services.invite_create(community=request.community, role=form.cleaned_data["role"],
                                                 note=form.cleaned_data["note"], by=request.user)
    link = request.build_absolute_uri(f"/invite/{raw}")
    # The link is shown on this answer only: its secret is not stored.
    return _render_members(request, new_invite=invite, new_invite_link=link)


@require_POST
@page(Role.ADMIN)
def invite_withdraw(request, pk):
    invite = community_object_or_404(Invite.objects.for_community(request.community), pk=pk)
    account_services.invite_revoke(invite=invite, by=request.user)
    messages.success(request, "Invite withdrawn: its link no longer works.")
    return redirect("settings-members")


# --- value lists -----------------------------------------------------------------------------------
def _kind_or_404(kind: str) -> str:
    if kind not in services.VALUE_LISTS:
        raise Http404("Not found.")
    return kind


def _entries(request, kind: str):
    model = services.VALUE_LISTS[kind][0]
    qs = model.objects.for_community(request.community).live()
    return qs.select_related("department") if kind == "divisions" else qs


@page(Role.SUPERVISOR)
def values(request):
    counts = {kind: _entries(request, kind).count() for kind in services.VALUE_LISTS}
    return _render(request, "values.html", {
        "section": "values", "lists": [(kind, forms.VALUE_LABELS[kind], counts[kind]) for kind in counts],
        "import_form": forms.ImportForm(),
    })


@page(Role.SUPERVISOR)
def value_list(request, kind: str):
    return _render_value_list(request, _kind_or_404(kind))


def _render_value_list(request, kind, form=None, status=200):
    fields = services.VALUE_LISTS[kind][1]
    rows = list(_entries(request, kind))
    return _render(request, "value_list.html", {
        "section": "values", "kind": kind, "label": forms.VALUE_LABELS[kind], "fields": fields,
        "rows": [(row, [getattr(row, name) for name in fields]) for row in rows],
        "form": form or forms.value_form(kind, request.community),
    }, status=status)


def _clean_entry(data: dict) -> dict:
    return {k: v for k, v in data.items() if not (k == "position" and v is None)}


@require_POST
@page(Role.ADMIN)
def value_add(request, kind: str):
    kind = _kind_or_404(kind)
    form = forms.value_form(kind, request.community, request.POST)
    if form.is_valid():
        with service_errors(form):
            entry = services.value_create(community=request.community, kind=kind,
                                          fields=_clean_entry(form.cleaned_data), by=request.user)
            messages.success(request, f"“{entry}” added.")
            return redirect("settings-value-list", kind=kind)
    return _render_value_list(request, kind, form=form, status=400)


@page(Role.ADMIN)
def value_edit(request, kind: str, pk):
    kind = _kind_or_404(kind)
    entry = community_object_or_404(_entries(request, kind), pk=pk)
    fields = services.VALUE_LISTS[kind][1]
    initial = {name: getattr(entry, name) for name in fields}
    if "department" in initial:
        initial["department"] = entry.department_id
    form = forms.value_form(kind, request.community, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.value_update(entry=entry, fields=_clean_entry(form.cleaned_data), by=request.user)
            messages.success(request, f"“{entry}” saved.")
            return redirect("settings-value-list", kind=kind)
    return _render(request, "value_edit.html", {
        "section": "values", "kind": kind, "label": forms.VALUE_LABELS[kind], "entry": entry, "form": form,
    }, status=400 if form.errors else 200)


@require_POST
@page(Role.ADMIN)
def value_archive(request, kind: str, pk):
    kind = _kind_or_404(kind)
    entry = community_object_or_404(_entries(request, kind), pk=pk)
    services.value_archive(entry=entry, by=request.user)
    messages.success(request, f"“{entry}” archived; old calls and records keep it.")
    return redirect("settings-value-list", kind=kind)


@page(Role.ADMIN)
def values_export(request):
    data = services.values_export(community=request.community)
    response = HttpResponse(json.dumps(data, indent=2, default=str), content_type="application/json")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="value-lists-{stamp}.json"'
    return response


MAX_IMPORT_BYTES = 2 * 1024 * 1024


@require_POST
@page(Role.ADMIN)
def values_import(request):
    form = forms.ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValueError("The file is larger than 2 MB.")
            data = json.loads(upload.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            form.add_error("file", f"Not a JSON file: {exc}" if not str(exc).startswith("The file") else str(exc))
        else:
            try:
                counts = services.values_import(community=request.community, data=data, by=request.user)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                added = sum(c["created"] for c in counts.values())
                updated = sum(c["updated"] for c in counts.values())
                messages.success(request, f"Imported: {added} added, {updated} updated.")
                return redirect("settings-values")
    counts = {kind: _entries(request, kind).count() for kind in services.VALUE_LISTS}
    return _render(request, "values.html", {
        "section": "values", "lists": [(kind, forms.VALUE_LABELS[kind], counts[kind]) for kind in counts],
        "import_form": form,
    }, status=400)


# --- API tokens ------------------------------------------------------------------------------------
@page(Role.ADMIN)
def tokens(request):
    return _render_tokens(request)


def _render_tokens(request, form=None, status=200, **extra):
    return _render(request, "tokens.html", {
        "section": "tokens", "form": form or forms.TokenForm(),
        "tokens": ApiToken.objects.filter(community=request.community, revoked_at__isnull=True)
        .select_related("created_by"),
        **extra,
    }, status=status)


@require_POST
@page(Role.ADMIN)
def token_create(request):
    form = forms.TokenForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["name"].strip():
        if form.is_valid():
            form.add_error("name", "Give the token a name.")
        return _render_tokens(request, form=form, status=400)
    token, raw = services.token_create(community=request.community, name=form.cleaned_data["name"].strip(),
                                       created_by=request.user)
    # Shown on this answer only: only its hash is stored.
    return _render_tokens(request, new_token=token, new_token_value=raw)


@require_POST
@page(Role.ADMIN)
def token_revoke(request, pk):
    token = community_object_or_404(ApiToken.objects.filter(community=request.community, revoked_at__isnull=True),
                                    pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, f"Token “{token.name}” revoked: it stopped working everywhere.")
    return redirect("settings-tokens")


# --- Discord role mapping --------------------------------------------------------------------------
@page(Role.ADMIN)
def discord(request):
    return _render_discord(request)


def _render_discord(request, form=None, status=200):
    return _render(request, "discord.html", {
        "section": "discord", "form": form or forms.RoleMappingForm(),
        "mappings": DiscordRoleMapping.objects.for_community(request.community),
        "discord_enabled": bool(django_settings.DISCORD_CLIENT_ID),
        "guild_roles_enabled": django_settings.DISCORD_GUILD_ROLES,
    }, status=status)


@require_POST
@page(Role.ADMIN)
def discord_add(request):
    form = forms.RoleMappingForm(request.POST)
    if form.is_valid():
        with service_errors(form):
            account_services.role_mapping_set(community=request.community, by=request.user, **form.cleaned_data)
            messages.success(request, "Role mapping saved.")
            return redirect("settings-discord")
    return _render_discord(request, form=form, status=400)


@require_POST
@page(Role.ADMIN)
def discord_delete(request, pk):
    mapping = community_object_or_404(DiscordRoleMapping.objects.for_community(request.community), pk=pk)
    account_services.role_mapping_delete(mapping=mapping, by=request.user)
    messages.success(request, "Role mapping deleted.")
    return redirect("settings-discord")


# --- map pictures ----------------------------------------------------------------------------------
@page(Role.ADMIN)
def game(request):
    return _render_game(request)


def _render_game(request, map_form=None, postals_form=None, status=200):
    from maps.models import MapTileSet
    from postals.models import PostalTable

    return _render(request, "game.html", {
        "section": "game", "map_form": map_form or forms.MapImagesForm(),
        "postals_form": postals_form or forms.PostalsForm(),
        "postal_table": PostalTable.objects.for_community(request.community).live().first(),
        "resource_available": RESOURCE_DIR.is_dir(),
        "tilesets": MapTileSet.objects.for_community(request.community).order_by("-created_at")[:5],
        "server_url": request.build_absolute_uri("/").rstrip("/"),
    }, status=status)


@require_POST
@page(Role.ADMIN)
def map_upload(request):
    from maps.services import map_images_upload

    form = forms.MapImagesForm(request.POST, request.FILES)
    if form.is_valid():
        with service_errors(form):
            map_images_upload(community=request.community, files=form.cleaned_data["files"], by=request.user)
            messages.success(request, "Map pictures received: the tiles are being cut and the map switches "
                                      "to them when they are ready.")
            return redirect("settings-game")
    return _render_game(request, map_form=form, status=400)


MAX_POSTALS_BYTES = 5 * 1024 * 1024


@require_POST
@page(Role.ADMIN)
def postals_upload(request):
    from postals.file_format import parse_postal_table
    from postals.services import postal_table_replace

    form = forms.PostalsForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with service_errors(form, field_map={"postals": "file"}):
            if upload.size > MAX_POSTALS_BYTES:
                form.add_error("file", "The file is larger than 5 MB.")
            else:
                entries = parse_postal_table(upload.read())
                postal_table_replace(community=request.community, entries=entries, name=upload.name, by=request.user)
                messages.success(request, f"Postal table saved: {len(entries)} postals.")
                return redirect("settings-game")
    return _render_game(request, postals_form=form, status=400)


RESOURCE_DIR = Path(django_settings.BASE_DIR) / "fivem" / "cad_mdt"
CONFIG_URL_LINE = "Config.CadUrl = ''"


@page(Role.ADMIN)
def resource_download(request):
    """Our FiveM resource as a zip, with this CAD's address filled in. The token is never put in it:
    the server owner sets it as a server convar (`set cad_token ...`)."""
    if not RESOURCE_DIR.is_dir():
        raise Http404("Not found.")
    server_url = request.build_absolute_uri("/").rstrip("/").replace("'", "")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(RESOURCE_DIR.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            data = path.read_bytes()
            if path.relative_to(RESOURCE_DIR).as_posix() == "config.lua":
                data = data.decode().replace(CONFIG_URL_LINE, f"Config.CadUrl = '{server_url}'", 1).encode()
            archive.writestr(f"cad_mdt/{path.relative_to(RESOURCE_DIR).as_posix()}", data)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="cad_mdt.zip"'
    return response


# --- audit log -------------------------------------------------------------------------------------
@page(Role.ADMIN)
def audit(request):
    entries = AuditEntry.objects.for_community(request.community).select_related("actor")
    paginator = Paginator(entries, AUDIT_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return _render(request, "audit.html", {"section": "audit", "page_obj": page_obj})

