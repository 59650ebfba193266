"""The shell without a browser: sign-in, sign-out, `/` by role, the switcher, role checks, CSP."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from cad.core import services
from cad.core.choices import Role
from cad.core.models import Profile
from web.access import page

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_login_page_has_username_and_password_and_a_strict_csp(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_sign_in_success_sends_a_dispatcher_to_the_board_when_it_exists(client, dispatcher):
    response = client.post("/login", {"username": "dispatcher_a", "password": "pw-dispatcher_a"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get("/")
    assert home.status_code in (200, 302)
    if home.status_code == 302:
        assert home["Location"] == reverse("dispatch")


def test_sign_in_bad_password_shows_the_error_and_signs_nobody_in(client, dispatcher):
    response = client.post("/login", {"username": "dispatcher_a", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_is_rate_limited_with_a_form_error(client, dispatcher, settings):
    for _ in range(10):
        client.post("/login", {"username": "dispatcher_a", "password": "wrong"})
    response = client.post("/login", {"username": "dispatcher_a", "password": "pw-dispatcher_a"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_out_visitors_are_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("login")


@pytest.mark.parametrize("persona,target", [
    ("admin", "dispatch"), ("supervisor", "dispatch"), ("dispatcher", "dispatch"),
    ("officer", "mdt"), ("civilian", "characters"),
])
def test_home_routes_by_role_and_never_500s_when_the_page_is_missing(request, persona, target):
    user = request.getfixturevalue(persona)
    response = signed_in(user).get("/")
    try:
        url = reverse(target)
    except Exception:
        assert response.status_code == 200  # that page's app is not installed: the links page
    else:
        assert response.status_code == 302 and response["Location"] == url


def test_user_without_membership_sees_an_explanation(db):
    user = services.user_ensure(username="nobody", password="pw-nobody-1")
    response = signed_in(user).get("/")
    assert response.status_code == 200
    assert "not a member of any community" in response.content.decode()


def test_logout_needs_post_and_signs_out(dispatcher):
    client = signed_in(dispatcher)
    assert client.get("/logout").status_code == 200  # a page with the Sign out button
    assert "_auth_user_id" in client.session
    response = client.post("/logout")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_switcher_lists_only_memberships_and_switches(community, other_community, dispatcher, outsider):
    third = services.community_create(name="Charlie RP")
    services.membership_set(community=other_community, user=dispatcher, role=Role.OFFICER)
    client = signed_in(dispatcher)
    request = RequestFactory().get("/x")
    request.user = dispatcher

    @page(Role.CIVILIAN)
    def view(request):
        return HttpResponse(f"{request.community.name}|{request.role}")

    assert view(request).content.decode() == "Alpha RP|dispatcher"  # first by name until picked

    html = client.get("/logout").content.decode()
    assert "Alpha RP" in html and "Bravo RP" in html and "Charlie RP" not in html

    response = client.post("/community", {"community": str(other_community.pk), "next": "/logout"})
    assert response.status_code == 302 and response["Location"] == "/logout"
    assert Profile.objects.get(user=dispatcher).active_community_id == other_community.pk
    assert view(request).content.decode() == "Bravo RP|officer"

    # Another community's ID, a malformed one, or an outside `next`: nothing switches.
    for bad in (str(third.pk), "not-a-uuid", ""):
        assert client.post("/community", {"community": bad}).status_code == 400
    assert Profile.objects.get(user=dispatcher).active_community_id == other_community.pk
    response = client.post("/community", {"community": str(community.pk), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_page_decorator_403_for_a_role_that_may_not_and_login_for_anonymous(community, officer, civilian):
    @page(Role.DISPATCHER)
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = factory.get("/secret")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and response["Location"].startswith("/login?next=/secret")
    for user in (officer, civilian):
        request = factory.get("/secret")
        request.user = user
        with pytest.raises(PermissionDenied):
            view(request)


def test_superuser_acts_as_admin_of_the_community_they_pick(community, other_community):
    from cad.core.models import User

    root = User.objects.create_superuser("root", password="pw-root-123")
    services.active_community_set(user=root, community=other_community)
    request = RequestFactory().get("/x")
    request.user = root

    @page(Role.ADMIN)
    def view(request):
        return HttpResponse(request.community.name)

    assert view(request).content.decode() == "Bravo RP"
