"""Sign-in, sign-out, `/` by role, and the community switcher."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cad.core import ratelimit, services
from cad.core.choices import Role

from .access import NoCommunity, memberships, page_community
from .forms import CommunitySwitchForm, SignInForm

# Where `/` sends each role; the pages belong to their apps, found by URL name.
HOME_BY_ROLE: tuple[tuple[Role, str], ...] = (
    (Role.DISPATCHER, "dispatch"),
    (Role.OFFICER, "mdt"),
    (Role.CIVILIAN, "characters"),
)


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        try:
            ratelimit.sign_in_hit(request, request.POST)  # the API's buckets: per address and per username
        except ratelimit.RateLimited as exc:
            form = self.get_form()
            form.is_valid()  # bound, so the username stays in the field
            form.errors.clear()
            form.add_error(None, "Too many sign-in attempts. Wait a minute and try again.")
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().post(request, *args, **kwargs)


class SignOutView(auth_views.LogoutView):
    """POST signs out (CSRF-protected); GET shows a page with the Sign out button."""

    template_name = "web/logged_out.html"
    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "web/logout.html")


def home(request):
    """`/`: dispatchers and above to /dispatch, officers to /mdt, civilians to /characters."""
    if not request.user.is_authenticated:
        return redirect("login")
    try:
        request.community, request.role = page_community(request)
    except NoCommunity:
        return render(request, "web/no_community.html", status=200)
    for minimum, name in HOME_BY_ROLE:
        if request.role.at_least(minimum):
            try:
                return redirect(reverse(name))
            except NoReverseMatch:
                break  # that page is not installed: show the links this user has instead
    return render(request, "web/home.html")


@require_POST
def switch_community(request):
    if not request.user.is_authenticated:
        return redirect("login")
    rows = memberships(request.user)
    form = CommunitySwitchForm(request.POST, memberships=rows)
    if not form.is_valid():
        return HttpResponse("Not one of your communities.", status=400, content_type="text/plain")
    services.active_community_set(user=request.user, community=form.cleaned_data["community"])
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("home")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)
