"""Actions that answer htmx with a fragment of a page, and what they answer a plain form submission.

Such a POST normally comes from htmx, which swaps the fragment into the page. It can also arrive as a
native form submission: a keyboard shortcut that clicked a button in a form htmx had just swapped in
but not processed yet (web/js/keys.js `press` closes that window on the page's side), or a browser
without JavaScript. Answered with the fragment, the browser would navigate to a bare partial: no
header, no styles, no way back. `fragment_of(page)` sends it back to the page instead (303 after the
action ran, the outcome as a message on the page).

The view returns a `TemplateResponse` (rendered lazily, so its context can still be read) whose context
carries the outcome as `message` or `error`; a 4xx answer without `error` says that nothing was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import SimpleTemplateResponse
from django.urls import reverse

NOT_SAVED = "Not saved: the form has errors. Open it again and check the fields."


def fragment_of(page_name: str) -> Callable:
    """Decorator (outermost) for a POST view that answers htmx with a fragment of the page named
    `page_name`; a non-htmx POST is redirected to that page instead of getting the bare fragment."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if request.method != "POST" or bool(getattr(request, "htmx", False)):
                return response
            if not isinstance(response, SimpleTemplateResponse) or response.status_code >= 500:
                return response  # a sign-in redirect, a refusal page: as they are
            _flash(request, response)
            return HttpResponseRedirect(reverse(page_name), status=303)

        return wrapped

    return decorator


def _flash(request: HttpRequest, response: SimpleTemplateResponse) -> None:
    context = response.context_data or {}
    error, message = context.get("error"), context.get("message")
    if response.status_code >= 400:
        messages.error(request, str(error or NOT_SAVED))
    elif message:
        messages.success(request, str(message))
