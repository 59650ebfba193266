"""Accounts: signing in with Discord (django-allauth), linking a Discord account, invites that make a
person a member of a community, and the mapping of Discord guild roles to community roles."""
