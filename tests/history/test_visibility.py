"""Who sees what: reps their own, admins (by group permission) and superusers everything."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_a_rep_sees_only_their_own_records(client, lena, jonas, record_factory):
    record_factory(user=lena, title="Mein Termin")
    record_factory(user=jonas, title="Fremder Termin")

    content = login(client, lena).get(reverse("history_mine")).content.decode()

    assert "Mein Termin" in content and "Fremder Termin" not in content


def test_another_reps_record_is_a_404(client, lena, jonas, record_factory):
    theirs = record_factory(user=jonas)

    assert login(client, lena).get(reverse("history_detail", args=[theirs.pk])).status_code == 404


def test_a_rep_can_open_their_own_record(client, lena, record_factory):
    mine = record_factory(user=lena, title="Quartalsgespräch")

    response = login(client, lena).get(reverse("history_detail", args=[mine.pk]))

    assert response.status_code == 200 and "Quartalsgespräch" in response.content.decode()


@pytest.mark.parametrize("name", ["history_all", "history_export"])
def test_a_rep_cannot_reach_the_admin_views(client, lena, name):
    assert login(client, lena).get(reverse(name)).status_code == 403


def test_a_rep_cannot_use_the_django_admin(client, lena, record_factory):
    record = record_factory(user=lena)

    response = login(client, lena).get(reverse("admin:meetings_meetingrecord_change", args=[record.pk]))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("who", ["admin_user", "superuser"])
def test_admins_and_superusers_see_everyone(client, request, who, lena, jonas, record_factory):
    viewer = request.getfixturevalue(who)
    record_factory(user=lena, title="Termin A")
    theirs = record_factory(user=jonas, title="Termin B")
    login(client, viewer)

    listing = client.get(reverse("history_all")).content.decode()
    detail = client.get(reverse("history_detail", args=[theirs.pk]))
    export = b"".join(client.get(reverse("history_export")).streaming_content).decode("utf-8-sig")

    assert "Termin A" in listing and "Termin B" in listing
    assert detail.status_code == 200
    assert "Termin A" in export and "Termin B" in export


def test_an_admins_own_list_is_still_their_own(client, admin_user, lena, record_factory):
    record_factory(user=lena, title="Termin eines Reps")

    content = login(client, admin_user).get(reverse("history_mine")).content.decode()

    assert "Termin eines Reps" not in content


def test_anonymous_visitors_are_sent_to_sign_in(client, lena, record_factory):
    record = record_factory(user=lena)

    for url in [reverse("history_mine"), reverse("history_all"), reverse("history_export"),
                reverse("history_detail", args=[record.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_navbar_offers_all_meetings_to_admins_only(client, lena, admin_user):
    assert reverse("history_all") not in login(client, lena).get(reverse("home")).content.decode()
    assert reverse("history_all") in login(client, admin_user).get(reverse("home")).content.decode()


def test_granting_and_revoking_admin(lena):
    from django.core.management import call_command

    call_command("grant_meeting_admin", lena.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    lena = type(lena).objects.get(pk=lena.pk)
    assert lena.has_perm("meetings.view_all_meeting_records")
    call_command("grant_meeting_admin", lena.email, "--revoke", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not type(lena).objects.get(pk=lena.pk).has_perm("meetings.view_all_meeting_records")


def test_an_admin_reading_another_reps_record_goes_back_to_all_meetings(client, admin_user, lena, record_factory):
    theirs = record_factory(user=lena)
    mine = record_factory(user=admin_user)
    login(client, admin_user)

    other = client.get(reverse("history_detail", args=[theirs.pk])).content.decode()
    own = client.get(reverse("history_detail", args=[mine.pk])).content.decode()

    assert f'<li class="breadcrumb-item"><a href="{reverse("history_all")}">All meetings</a></li>' in other
    assert f'<li class="breadcrumb-item"><a href="{reverse("history_mine")}">My meetings</a></li>' in own
