"""State changes of accounts: invites, sign-up through an invite, the Discord link of a user,
Discord guild roles turned into community roles, and a member's own settings (alert volume)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cad.core import services as core_services
from cad.core.access import person
from cad.core.choices import Role
from cad.core.errors import Conflict, Invalid, NotFound
from cad.core.models import Community, Membership, Profile, hash_token

from .choices import InviteState
from .models import DiscordRoleMapping, Invite

User = get_user_model()

INVITE_DAYS = 7
USED_MESSAGE = "This invite link has already been used."
STATE_MESSAGES = {
    InviteState.USED: USED_MESSAGE,
    InviteState.REVOKED: "This invite link was withdrawn by the community's admins.",
    InviteState.EXPIRED: "This invite link has expired; ask the community's admins for a new one.",
}


class DiscordLinkError(Conflict):
    """A Discord account cannot be linked or unlinked (taken by another user, or the last way in)."""


# --- invites ---------------------------------------------------------------------------------------
@transaction.atomic
def invite_create(*, community: Community, role: Role | str, by, note: str = "",
                  days: int = INVITE_DAYS) -> tuple[Invite, str]:
    """Returns the invite and the secret of its link, which is never stored and cannot be shown again."""
    raw = Invite.PREFIX + secrets.token_urlsafe(24)
    invite = Invite.objects.create(
        community=community, role=Role(role), note=note.strip()[:120], token_hash=hash_token(raw), hint=raw[:10],
        created_by=person(by), expires_at=timezone.now() + timedelta(days=days),
    )
    core_services.audit_record(community=community, by=by, action="invite.created", target=invite,
                               changes={"role": invite.role, "note": invite.note})
    return invite, raw


@transaction.atomic
def invite_revoke(*, invite: Invite, by) -> None:
    revoked = Invite.objects.for_community(invite.community_id).filter(
        pk=invite.pk, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        core_services.audit_record(community=invite.community, by=by, action="invite.revoked", target=invite)


def invite_for_link(raw: str | None) -> Invite | None:
    """The invite a link names, whatever its state, or None. The one place an invite is found
    without a community: the link itself says which community it belongs to."""
    if not raw or not raw.startswith(Invite.PREFIX) or len(raw) > 64:
        return None
    return Invite.objects.all_communities().select_related("community").filter(token_hash=hash_token(raw)).first()


@transaction.atomic
def invite_accept(*, invite: Invite, user: AbstractUser) -> Membership:
    """Spend the invite on `user`: they become a member with its role (never lowered if they are one)."""
    invite = Invite.objects.for_community(invite.community_id).select_for_update().select_related(
        "community").get(pk=invite.pk)
    state = invite.state
    if state != InviteState.OPEN:
        raise Conflict(STATE_MESSAGES[state], state=state.value)
    invite.used_at = timezone.now()
    invite.used_by_id = user.pk
    invite.save(update_fields=["used_at", "used_by"])
    membership = core_services.member_join(community=invite.community, user=user, role=invite.role, by=user,
                                           how="invite")
    profile = core_services.profile_for(user)
    if profile.active_community_id is None:
        profile.active_community = invite.community
        profile.save(update_fields=["active_community"])
    return membership


@transaction.atomic
def signup_with_invite(*, invite: Invite, username: str, password: str) -> AbstractUser:
    """A person without an account signs up on an invite page. All or nothing: a spent invite or a
    refused password creates no user."""
    username = username.strip()
    errors: dict[str, list[str]] = {}
    try:
        User.username_validator(username)
    except DjangoValidationError as exc:
        errors["username"] = exc.messages
    if not username:
        errors["username"] = ["Choose a username."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["That username is taken."]
    try:
        password_validation.validate_password(password, User(username=username))
    except DjangoValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise Invalid(errors)
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password)
    except IntegrityError:
        raise Invalid({"username": ["That username is taken."]}) from None
    invite_accept(invite=invite, user=user)
    return user


# --- Discord link ----------------------------------------------------------------------------------
def discord_owner(discord_id: str) -> AbstractUser | None:
    """The user a Discord ID belongs to, through allauth's link or the profile (CLI, older data)."""
    from allauth.socialaccount.models import SocialAccount

    account = SocialAccount.objects.filter(provider="discord", uid=discord_id).select_related("user").first()
    if account is not None:
        return account.user
    profile = Profile.objects.filter(discord_id=discord_id).select_related("user").first()
    return profile.user if profile is not None else None


@transaction.atomic
def discord_link(*, user: AbstractUser, discord_id: str) -> Profile:
    """Record the Discord ID where the game server looks players up (`Profile.discord_id`)."""
    discord_id = str(discord_id).strip()
    owner = discord_owner(discord_id)
    if owner is not None and owner.pk != user.pk:
        raise DiscordLinkError("This Discord account is already linked to another user.")
    profile = Profile.objects.select_for_update().get(pk=core_services.profile_for(user).pk)
    if profile.discord_id and profile.discord_id != discord_id:
        raise DiscordLinkError("Your account is linked to another Discord account; unlink it first.")
    if profile.discord_id != discord_id:
        profile.discord_id = discord_id
        profile.save(update_fields=["discord_id"])
    return profile


@transaction.atomic
def discord_unlink(*, user: AbstractUser) -> None:
    from allauth.socialaccount.models import SocialAccount

    if not user.has_usable_password():
        raise DiscordLinkError("Set a password first: Discord is the only way you sign in.")
    SocialAccount.objects.filter(user=user, provider="discord").delete()
    Profile.objects.filter(user_id=user.pk).update(discord_id=None)


# --- Discord guild roles ---------------------------------------------------------------------------
def mapped_roles(guild_roles: dict[str, list[str]]) -> dict[Community, Role]:
    """The role each community gives someone holding `guild_roles` ({guild ID: [role IDs]}): the
    highest of their mapped roles."""
    if not guild_roles:
        return {}
    result: dict[Community, Role] = {}
    rows = DiscordRoleMapping.objects.all_communities().filter(
        guild_id__in=list(guild_roles)).select_related("community")
    for row in rows:
        if row.discord_role_id in set(map(str, guild_roles.get(row.guild_id) or ())):
            current = result.get(row.community)
            if current is None or Role(row.role).at_least(current):
                result[row.community] = Role(row.role)
    return result


def mapped_guild_ids() -> list[str]:
    """Every guild some community maps roles from (asked of Discord at sign-in)."""
    return list(DiscordRoleMapping.objects.all_communities().values_list("guild_id", flat=True).distinct())


def discord_roles_apply(*, user: AbstractUser, guild_roles: dict[str, list[str]]) -> list[Membership]:
    """At a Discord sign-in: join or raise the user in every community whose mapping their guild roles
    match. Mappings only add; removing someone stays an admin's decision."""
    return [core_services.member_join(community=community, user=user, role=role, by=None, how="discord-role")
            for community, role in mapped_roles(guild_roles).items()]


@transaction.atomic
def role_mapping_set(*, community: Community, guild_id: str, discord_role_id: str, role: Role | str,
                     by) -> DiscordRoleMapping:
    guild_id, discord_role_id = guild_id.strip(), discord_role_id.strip()
    errors = {name: ["A Discord ID: digits only."] for name, value in
              (("guild_id", guild_id), ("discord_role_id", discord_role_id))
              if not (value.isdigit() and 5 <= len(value) <= 25)}
    if errors:
        raise Invalid(errors)
    mapping, created = DiscordRoleMapping.objects.for_community(community).update_or_create(
        community=community, guild_id=guild_id, discord_role_id=discord_role_id, defaults={"role": Role(role)})
    core_services.audit_record(community=community, by=by, action="discord_role.set", target=mapping,
                               changes={"role": mapping.role, "created": created})
    return mapping


@transaction.atomic
def role_mapping_delete(*, mapping: DiscordRoleMapping, by) -> None:
    community = mapping.community
    DiscordRoleMapping.objects.for_community(community).filter(pk=mapping.pk).delete()
    core_services.audit_record(community=community, by=by, action="discord_role.deleted", target=mapping)


# --- a member's own settings ----------------------------------------------------------------------------
VOLUME_MESSAGE = "A whole number from 0 to 100."


def clean_volume(value) -> int:
    """A volume as a page or a script may send it (40, "40") → 0-100, else `Invalid`."""
    if isinstance(value, bool):
        raise Invalid({"volume": [VOLUME_MESSAGE]})
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 3:
            raise Invalid({"volume": [VOLUME_MESSAGE]})
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= 100:
        raise Invalid({"volume": [VOLUME_MESSAGE]})
    return value


@transaction.atomic
def sound_volume_set(*, user: AbstractUser, community: Community, volume: int | str) -> Membership:
    """The member's alert volume in `community` (their own membership only; a user who is not a member,
    a deployment superuser included, has none to keep it in)."""
    level = clean_volume(volume)
    membership = Membership.objects.select_for_update().filter(user_id=user.pk, community=community).first()
    if membership is None:
        raise NotFound("You are not a member of this community.")
    if membership.sound_volume != level:
        membership.sound_volume = level
        membership.save(update_fields=["sound_volume"])
    return membership
