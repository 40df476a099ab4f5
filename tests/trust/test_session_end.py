"""A session that ends mid-form: the keep-alive, and no silent loss of a posted form."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.urls import reverse

from pep_portal.middleware import SIGNED_OUT_POST_MESSAGE
from tests.conftest import client_for


def _end_every_session() -> None:
    Session.objects.all().delete()


def test_a_form_posted_after_the_session_ended_leads_to_sign_in_with_a_message(
    client, social_worker, pep
):
    client_for(client, social_worker)
    _end_every_session()

    response = client.post(
        reverse("audit:pep_history", args=[pep.pk]), {"late_reason": "x"}, follow=True
    )

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "next=" in response.redirect_chain[0][0]
    assert SIGNED_OUT_POST_MESSAGE in response.content.decode()


def test_a_visitor_who_was_never_signed_in_gets_no_such_message(client, pep):
    response = client.post(reverse("audit:pep_history", args=[pep.pk]), follow=True)

    assert SIGNED_OUT_POST_MESSAGE not in response.content.decode()


def test_an_ended_session_on_a_plain_visit_gets_no_such_message(
    client, social_worker, pep
):
    client_for(client, social_worker)
    _end_every_session()

    response = client.get(reverse("audit:pep_history", args=[pep.pk]), follow=True)

    assert SIGNED_OUT_POST_MESSAGE not in response.content.decode()


def test_signing_out_after_the_session_ended_gets_no_such_message(
    client, social_worker
):
    client_for(client, social_worker)
    _end_every_session()

    response = client.post(reverse("account_logout"), follow=True)

    assert SIGNED_OUT_POST_MESSAGE not in response.content.decode()


def test_the_keep_alive_renews_the_session_and_says_how_long_it_lasts(
    client, social_worker
):
    client_for(client, social_worker)

    response = client.post(reverse("audit:keepalive"))

    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "expires_in": 1800}
    assert response["Cache-Control"] == "no-store, private"


def test_the_keep_alive_says_so_when_the_session_has_already_ended(
    client, social_worker
):
    client_for(client, social_worker)
    _end_every_session()

    response = client.post(reverse("audit:keepalive"))

    assert response.status_code == 401
    assert response.json() == {"signed_in": False}


def test_the_keep_alive_needs_the_csrf_token(social_worker):
    from django.test import Client

    client = client_for(Client(enforce_csrf_checks=True), social_worker)

    assert client.post(reverse("audit:keepalive")).status_code == 403


def test_the_keep_alive_only_answers_a_post(client, social_worker):
    client_for(client, social_worker)

    assert client.get(reverse("audit:keepalive")).status_code == 405
