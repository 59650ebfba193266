"""Domain errors: what a service says when it refuses. Each edge maps them once.

Services and selectors raise these and nothing from DRF or django.forms:

- `Invalid(detail)`: the input breaks a rule (400). `detail` is a message, a list of messages, or
  `{field: message or [messages]}` keyed by the wire's snake_case field name.
- `NotFound(message)`: no such row in this community (404; another community's row is not found either).
- `Forbidden(message)`: this actor may not (403).
- `Conflict(message, **extra)`: the state forbids it now (409); `extra` goes into the body
  (`{"error": ..., "applicationId": ...}`).

Edges: REST, `cad.core.api.exceptions.exception_handler`; sockets, `cad.realtime.session`; 002's
`/emergency/*`, `calls.api.emergency`; forms, `cad.core.forms.add_domain_error`.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class; `message` is one sentence for a person."""

    default_message = "Request refused."

    def __init__(self, message: str | None = None, **extra: Any):
        self.message = str(message) if message else self.default_message
        self.extra = extra
        super().__init__(self.message)


class Invalid(DomainError):
    default_message = "Invalid input."

    def __init__(self, detail: str | list | dict | None = None):
        self.detail: list[str] | dict[str, list[str]]
        if isinstance(detail, dict):
            self.detail = {str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
                           for k, v in detail.items()}
        elif isinstance(detail, list | tuple):
            self.detail = [str(m) for m in detail]
        else:
            self.detail = [str(detail) if detail else self.default_message]
        super().__init__(self.first_message())

    @property
    def fields(self) -> dict[str, list[str]]:
        """`{field: [messages]}`; messages about no field are under "non_field_errors"."""
        return self.detail if isinstance(self.detail, dict) else {"non_field_errors": list(self.detail)}

    def first_message(self) -> str:
        for messages in self.fields.values():
            if messages:
                return messages[0]
        return self.default_message


class NotFound(DomainError):
    default_message = "Not found."


class Forbidden(DomainError):
    default_message = "You do not have permission to perform this action."


class Conflict(DomainError):
    default_message = "Conflict."


__all__ = ["Conflict", "DomainError", "Forbidden", "Invalid", "NotFound"]
