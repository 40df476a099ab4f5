"""Every URL of the product, asked for by a designated teacher who holds a delegation of
another child's PEP: never a success, never the other child's data.

The URLs come from Django's resolver, so screens added later are covered without
touching this file. Each pattern's ids are filled with ids of objects the teacher was
not given (another child, that child's PEP, delegation, attachment, contact, rows),
with the teacher's own delegation in front of another child's objects, and with the
teacher's own PEP and child on staff pages. Text and slug parts are filled with the
step and section names the portal uses. A GET or POST may answer 404, 405 or a
redirect to a sign-in page; nothing else. Pages anyone signed in may open (sign-in
and account pages, the home page, "My tasks", the teacher's own tray and task) may
answer, but their bodies are checked for the other child's name.
"""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from delegation.models import CarerCopy, Delegation, TeacherCommentImport
from peps.models import (
    Contact,
    Pep,
    PreviousTargetReview,
    PupilVoiceAttachment,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
    Target,
)
from tests import factories
from tests.conftest import client_for
from tests.delegation.helpers import delegate

TEXT_VALUES = ("general", "section-b", "progress", "targets", "a", "c", "b", "d", "x")
OPEN_TO_ANYONE_SIGNED_IN = (
    "/accounts/",
    "/admin/login/",
    "/admin/logout/",
    "/people/accessibility/",
    "/audit/keepalive/",
)
KNOWN_EXCEPTIONS: set[str] = set()
# Lists of the signed-in person's own items, open to everyone: their bodies are checked.
OWN_LISTS = {"tasks:list"}
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>[^()]*)\)")
REGEX_LEFTOVERS = re.compile(r"[\^$()\[\]*+?{}|]")


@dataclass(frozen=True)
class Route:
    """One URL pattern as literal text with named holes of a kind (int, text, uuid)."""

    parts: tuple[str | tuple[str, str], ...]
    name: str

    @property
    def holes(self) -> list[tuple[str, str]]:
        return [part for part in self.parts if isinstance(part, tuple)]

    def fill(self, values: dict[str, object]) -> str:
        text = "".join(
            part if isinstance(part, str) else str(values[part[0]])
            for part in self.parts
        )
        return "/" + text


def _route_parts(pattern) -> list[str | tuple[str, str]] | None:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        parts: list[str | tuple[str, str]] = []
        position = 0
        for match in PLACEHOLDER.finditer(route):
            parts.append(route[position : match.start()])
            converter = match.group("converter") or "str"
            kind = {"int": "int", "uuid": "uuid"}.get(converter, "text")
            parts.append((match.group("name"), kind))
            position = match.end()
        parts.append(route[position:])
        return parts

    if isinstance(pattern, RegexPattern):
        regex = pattern._regex.lstrip("^").removesuffix("$").removesuffix(r"\Z")
        parts = []
        position = 0
        for number, match in enumerate(REGEX_GROUP.finditer(regex)):
            parts.append(regex[position : match.start()])
            body = match.group("body")
            name = match.group("name") or f"group{number}"
            if body in (r"\d+", "[0-9]+"):
                parts.append((name, "int"))
            elif re.fullmatch(r"[\w-]+(\|[\w-]+)*", body):
                parts.append(body.split("|")[0])
            else:
                parts.append((name, "text"))
            position = match.end()
        parts.append(regex[position:])
        literal = "".join(p for p in parts if isinstance(p, str))
        if REGEX_LEFTOVERS.search(literal.replace("\\", "")):
            return None
        return [p.replace("\\", "") if isinstance(p, str) else p for p in parts]
    return None


def every_route() -> tuple[list[Route], list[str]]:
    routes: list[Route] = []
    unreadable: list[str] = []

    def walk(patterns, prefix: list, namespace: str) -> None:
        for entry in patterns:
            parts = _route_parts(entry.pattern)
            if parts is None:
                unreadable.append(str(entry.pattern))
                continue
            if isinstance(entry, URLResolver):
                space = entry.namespace or namespace
                walk(entry.url_patterns, prefix + parts, space)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                routes.append(Route(tuple(prefix + parts), name))

    walk(get_resolver().url_patterns, [], "")
    return routes, unreadable


@dataclass
class World:
    own: Delegation
    own_attachment: PupilVoiceAttachment
    foreign_ids: list[int]
    own_ids: list[int]
    other_name: str
    other_pep: Pep


@pytest.fixture
def world(pep, designated_teacher, administrator, other_pep, other_child, db):
    # The other child's world first, so that its ids and the teacher's own differ
    # wherever they share a table.
    other_teacher = factories.UserFactory()
    other_delegation = delegate(other_pep, other_teacher, administrator)
    other_attachment = PupilVoiceAttachment.objects.create(
        pep=other_pep,
        file="pupil-voice/other.png",
        original_name="other.png",
        content_type="image/png",
        size=10,
    )
    contact = Contact.objects.create(
        child=other_child, kind="carer", name="Other Carer", email="oc@home.example"
    )
    subject = SubjectProgress.objects.create(pep=other_pep, subject="Maths")
    target = Target.objects.create(pep=other_pep, subject_area="Maths", target="T")
    review = PreviousTargetReview.objects.create(pep=other_pep, target="Old")
    pending = TeacherCommentImport.objects.create(
        delegation=other_delegation, filename="x.csv"
    )
    second_pep_of_own_child = factories.PepFactory(child=pep.child)

    own = delegate(pep, designated_teacher, administrator)
    own_attachment = PupilVoiceAttachment.objects.create(
        pep=pep,
        file="pupil-voice/own.png",
        original_name="own.png",
        content_type="image/png",
        size=10,
    )
    foreign = {
        other_pep.pk,
        other_child.pk,
        other_delegation.pk,
        other_attachment.pk,
        contact.pk,
        subject.pk,
        target.pk,
        review.pk,
        pending.pk,
        second_pep_of_own_child.pk,
        other_pep.school.pk
        if other_pep.school
        else other_child.enrolments.get().school.pk,
        other_teacher.pk,
        SectionA.objects.get(pep=other_pep).pk,
        SectionC.objects.get(pep=pep).pk,
    }
    return World(
        own=own,
        own_attachment=own_attachment,
        foreign_ids=sorted(foreign),
        own_ids=sorted({own.pk, pep.pk, pep.child.pk, designated_teacher.pk}),
        other_name=other_pep.child.display_name,
        other_pep=other_pep,
    )


def own_pages(world: World) -> set[str]:
    """What the teacher may open: their tray, and their delegation's own pages."""
    task = world.own.pk
    pages = {reverse("delegation:tray"), "/"}
    routes, _ = every_route()
    for route in routes:
        holes = route.holes
        if not route.name.startswith("delegation:") or not holes:
            continue
        if holes[0] != ("pk", "int"):
            continue
        values: dict[str, object] = {"pk": task}
        for name, kind in holes[1:]:
            values[name] = world.own_attachment.pk if kind == "int" else None
        for texts in itertools.product(
            TEXT_VALUES, repeat=sum(1 for _, kind in holes if kind == "text")
        ):
            text_iter = iter(texts)
            filled = {
                name: (next(text_iter) if kind == "text" else values[name])
                for name, kind in holes
            }
            pages.add(route.fill(filled))
    return pages


def fillings(route: Route, world: World):
    holes = route.holes
    int_names = [name for name, kind in holes if kind == "int"]
    text_names = [name for name, kind in holes if kind == "text"]
    uuid_names = [name for name, kind in holes if kind == "uuid"]

    int_choices: list[dict[str, int]] = []
    if int_names:
        for foreign in world.foreign_ids:
            int_choices.append(dict.fromkeys(int_names, foreign))
            if len(int_names) > 1:
                int_choices.append(
                    {
                        int_names[0]: world.own.pk,
                        **dict.fromkeys(int_names[1:], foreign),
                    }
                )
        for own in world.own_ids:
            int_choices.append(dict.fromkeys(int_names, own))
    else:
        int_choices.append({})

    text_choices = [
        dict(zip(text_names, texts, strict=True))
        for texts in itertools.product(TEXT_VALUES, repeat=len(text_names))
    ]
    uuid_values = dict.fromkeys(uuid_names, uuid.uuid4())
    for ints, texts in itertools.product(int_choices, text_choices):
        yield route.fill({**ints, **texts, **uuid_values})


def is_sign_in_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("account_login"))
        or location.startswith("/admin/login/")
    )


def snapshot(world: World) -> dict[str, object]:
    pep = world.other_pep
    return {
        "sections": [
            model.objects.get(pep=pep).version
            for model in (SectionA, SectionB, SectionC, SectionD)
        ],
        "delegations": list(
            Delegation.objects.order_by("pk").values_list("pk", "status", "teacher")
        ),
        "attachments": PupilVoiceAttachment.objects.count(),
        "subjects": list(pep.subjects.values_list("pk", "subject")),
        "targets": list(pep.targets.values_list("pk", "target")),
        "reviews": pep.previous_target_reviews.count(),
        "contacts": Contact.objects.count(),
        "carer_copies": CarerCopy.objects.count(),
        "pep": list(Pep.objects.filter(pk=pep.pk).values_list("status", "updated_at")),
        "attendance": SectionD.objects.get(pep=pep).current_attendance,
    }


def test_the_resolver_lists_the_delegation_pages_and_reads_every_pattern():
    routes, unreadable = every_route()
    names = {route.name for route in routes}

    assert {"delegation:task", "delegation:voice", "delegation:delegate"} <= names
    assert "peps:caseload" in names
    assert unreadable == [], "a pattern this test cannot fill would go unchecked"


def test_a_teacher_with_another_delegation_reaches_nothing_of_another_child(
    client, world, designated_teacher
):
    routes, _ = every_route()
    allowed = own_pages(world)
    before = snapshot(world)
    failures: list[str] = []
    asked = 0
    client.raise_request_exception = False

    for route in routes:
        for url in fillings(route, world):
            if url in allowed:
                continue
            if "_auth_user_id" not in client.session:
                client.force_login(
                    designated_teacher,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                asked += 1
                body = b""
                if not getattr(response, "streaming", False):
                    body = response.content
                if world.other_name.encode() in body:
                    failures.append(f"{method.upper()} {url} shows the other child")
                if url.startswith(OPEN_TO_ANYONE_SIGNED_IN):
                    continue
                if route.name in KNOWN_EXCEPTIONS | OWN_LISTS:
                    continue
                if response.status_code in (404, 405) or is_sign_in_redirect(response):
                    continue
                failures.append(
                    f"{method.upper()} {url} answered {response.status_code}"
                )

    assert asked > 500
    assert failures == []
    assert snapshot(world) == before


def test_the_teacher_may_open_their_own_task_and_tray(
    client, world, designated_teacher
):
    client.force_login(
        designated_teacher, backend="django.contrib.auth.backends.ModelBackend"
    )

    for url in (
        reverse("delegation:tray"),
        reverse("delegation:task", args=[world.own.pk]),
        reverse("delegation:voice", args=[world.own.pk, "general"]),
        reverse("delegation:section_d", args=[world.own.pk, "progress"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert world.other_name not in response.content.decode()


def test_the_attendance_snapshot_would_notice_a_change(world):
    before = snapshot(world)
    SectionD.objects.filter(pep=world.other_pep).update(current_attendance=Decimal("1"))

    assert snapshot(world) != before


def test_staff_sent_a_school_section_reach_only_the_school_pages(
    client, pep, administrator
):
    from django.contrib.auth.models import Group

    headteacher = factories.UserFactory()
    headteacher.groups.add(Group.objects.get_or_create(name="headteacher")[0])
    delegation = delegate(pep, headteacher, administrator)
    client_for(client, headteacher)

    assert (
        client.get(reverse("delegation:task", args=[delegation.pk])).status_code == 200
    )
    for name in ("peps:pep", "quality:review"):
        assert client.get(reverse(name, args=[pep.pk])).status_code == 404
    section_c = reverse("peps:section_edit", args=[pep.pk, "C"])
    assert client.get(section_c).status_code == 404
