"""Tenancy and the platform every app stands on.

Owns: Community (and its settings), Membership and roles, the user's Profile (Discord ID, Steam hex),
API tokens, departments, divisions and the per-community value lists; the fail-closed community
scoping (`cad.core.tenancy`), authentication, the API base classes (`cad.core.api`), the command-line
interface and the health check.
"""
