"""The forms edge: a service's domain error becomes the form's errors (the page re-renders with them).

    form = CharacterForm(request.POST)
    if form.is_valid():
        with service_errors(form):
            character_create(community=request.community, **form.cleaned_data)
        if not form.errors:
            return redirect(...)
    return render(request, "...", {"form": form})

`Invalid` lands on the fields it names (a name the form does not have, or a message about no field,
becomes a non-field error); `NotFound`, `Forbidden` and `Conflict` become non-field errors. Views
that must answer 404/403 for those catch them before this helper does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django import forms

from cad.core.errors import DomainError, Invalid


def add_domain_error(form: forms.BaseForm, exc: DomainError, *, field_map: Mapping[str, str] | None = None) -> None:
    """Put `exc` on `form`; `field_map` renames the service's field names to the form's."""
    if isinstance(exc, Invalid):
        for name, messages in exc.fields.items():
            name = (field_map or {}).get(name, name)
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message if target else (
                    message if name == "non_field_errors" else f"{name}: {message}"))
        return
    form.add_error(None, exc.message)


@contextmanager
def service_errors(form: forms.BaseForm, *, field_map: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run a service call; a domain error it raises is added to `form` instead of propagating."""
    try:
        yield
    except DomainError as exc:
        add_domain_error(form, exc, field_map=field_map)
