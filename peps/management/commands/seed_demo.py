"""python manage.py seed_demo: invented staff, carers and PEPs on top of the imports.

Run after import_schools and import_ssda903 (`make demo-data` does all three). Every
person added here is invented: staff have @example.org addresses and one shared,
printed password; children get names from a fixed list, chosen by their identifier.
A second run adds nothing. docs/demo-data.md describes what the demo holds.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Team, User
from accounts.roles import Role
from peps import school_year, sweep
from peps.models import (
    Child,
    Contact,
    Enrolment,
    MeetingAttendee,
    Pep,
    PreviousTargetReview,
    School,
    SchoolStaff,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
    Target,
)
from peps.services import current_school, pep_create

# Published on purpose: demo accounts only, and seed_demo refuses production.
DEMO_PASSWORD = "Demo-Portal-2026!"  # noqa: S105  # nosec B105
SOCIAL_WORKER_EMAIL = "sam.social@example.org"
DESIGNATED_TEACHER_EMAIL = "dee.teacher@example.org"
HEADTEACHER_EMAIL = "hana.head@example.org"
LINK_TEACHER_EMAILS = ("lee.link@example.org", "lou.link@example.org")
MANAGER_EMAIL = "morgan.manager@example.org"
SAM_CASELOAD = 45
OTHER_WORKERS_WITH_PEPS = 12


@dataclass(frozen=True)
class DemoStaff:
    email: str
    first_name: str
    last_name: str
    role: Role
    job_title: str
    telephone: str
    team: str = ""


# Telephone numbers are from Ofcom's ranges kept for drama (0113 496 0xxx).
STAFF = (
    DemoStaff(
        "ada.admin@example.org",
        "Ada",
        "Adeyemi",
        Role.ADMINISTRATOR,
        "Virtual School administrator",
        "0113 496 0001",
    ),
    DemoStaff(
        SOCIAL_WORKER_EMAIL,
        "Sam",
        "Shaw",
        Role.SOCIAL_WORKER,
        "Social worker",
        "0113 496 0011",
        "North and West children looked after team",
    ),
    DemoStaff(
        "rowan.social@example.org",
        "Rowan",
        "Reid",
        Role.SOCIAL_WORKER,
        "Social worker",
        "0113 496 0012",
        "North and West children looked after team",
    ),
    DemoStaff(
        "jo.social@example.org",
        "Jo",
        "Jackson",
        Role.SOCIAL_WORKER,
        "Senior social worker",
        "0113 496 0013",
        "South and East children looked after team",
    ),
    DemoStaff(
        MANAGER_EMAIL,
        "Morgan",
        "Mills",
        Role.SOCIAL_WORK_MANAGER,
        "Team manager, children looked after",
        "0113 496 0010",
    ),
    DemoStaff(
        LINK_TEACHER_EMAILS[0],
        "Lee",
        "Lawson",
        Role.LINK_TEACHER,
        "Virtual School link teacher",
        "0113 496 0021",
    ),
    DemoStaff(
        LINK_TEACHER_EMAILS[1],
        "Lou",
        "Lambert",
        Role.LINK_TEACHER,
        "Virtual School link teacher",
        "0113 496 0022",
    ),
    DemoStaff(
        "gus.governor@example.org",
        "Gus",
        "Grant",
        Role.GOVERNOR,
        "Chair of the Virtual School governing board",
        "0113 496 0031",
    ),
    DemoStaff(
        HEADTEACHER_EMAIL,
        "Hana",
        "Hughes",
        Role.HEADTEACHER,
        "Headteacher",
        "0113 496 0041",
    ),
    DemoStaff(
        DESIGNATED_TEACHER_EMAIL,
        "Dee",
        "Dawson",
        Role.DESIGNATED_TEACHER,
        "Designated teacher for children looked after",
        "0113 496 0042",
    ),
)

# Common given names and surnames, combined by a child's identifier: invented people.
GIRLS_NAMES = (
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Grace", "Ella",
    "Sophia", "Poppy", "Evie", "Zara", "Aisha", "Maya", "Ruby", "Erin", "Hannah",
    "Leah",
)  # fmt: skip
BOYS_NAMES = (
    "Oliver", "Noah", "George", "Leo", "Harry", "Jack", "Oscar", "Arthur", "Charlie",
    "Muhammad", "Theo", "Jacob", "Alfie", "Ethan", "Yusuf", "Kai", "Reuben", "Adam",
    "Tyler", "Liam",
)  # fmt: skip
NEUTRAL_NAMES = ("Alex", "Charlie", "Jordan", "Riley", "Morgan", "Jamie", "Robin")
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Patel", "Wright", "Walker", "Khan", "Hughes", "Green", "Hall", "Thompson", "Wood",
    "Clarke", "Hussain", "Robinson", "Ali", "Harris", "Lewis", "Martin", "Begum",
    "Jackson", "White", "Edwards", "Turner", "Cooper", "Shah", "Ward", "Moore",
    "Baker", "Kaur", "Hill", "Mitchell", "Bailey", "Okafor", "Kowalski",
)  # fmt: skip

CARER_RELATIONSHIPS = ("Foster carer", "Foster carer", "Kinship carer (aunt)")
FAMILY_RELATIONSHIPS = ("Mother", "Father", "Grandmother", "Aunt", "Older sister")

SPECIAL_GROUP = "Special schools"
MAINSTREAM_GROUPS = frozenset(
    {"Local authority maintained schools", "Academies", "Free Schools", "Colleges"}
)
NOT_FOR_PLACING = ("referral unit", "alternative provision", "secure")
PHASES_BY_STAGE = {
    "primary": frozenset({"Primary", "Middle deemed primary", "All-through"}),
    "secondary": frozenset({"Secondary", "Middle deemed secondary", "All-through"}),
    "post_16": frozenset({"Secondary", "All-through", "16 plus"}),
}


def stable_number(text: str) -> int:
    """The same number for the same text on every machine and every run."""
    return zlib.crc32(text.encode())


def invented_name(child: Child) -> tuple[str, str]:
    number = stable_number(child.local_child_id)
    given = {
        Child.Sex.FEMALE: GIRLS_NAMES,
        Child.Sex.MALE: BOYS_NAMES,
    }.get(child.sex, NEUTRAL_NAMES)
    return given[number % len(given)], SURNAMES[(number // 7) % len(SURNAMES)]


def pick(names: tuple[str, ...], number: int, *, avoid: str) -> str:
    """A name from the list chosen by the number, but never the one to avoid."""
    name = names[number % len(names)]
    return name if name != avoid else names[(number + 1) % len(names)]


def stage_of(year: school_year.SchoolYear) -> str:
    if year.number <= 6:
        return "primary"
    if year.number <= 11:
        return "secondary"
    return "post_16"


def fits(school: School, year: school_year.SchoolYear) -> bool:
    """Whether a child of this school year could attend this school."""
    low, high = school.statutory_low_age, school.statutory_high_age
    if low is None or high is None or not school.is_open:
        return False
    # A child is year + 4 on 1 September and a year older by the summer.
    age = year.number + 4
    if not low <= age < high:
        return False
    if school.establishment_type_group == SPECIAL_GROUP:
        return True
    if school.establishment_type_group not in MAINSTREAM_GROUPS:
        return False
    if any(word in school.establishment_type.casefold() for word in NOT_FOR_PLACING):
        return False
    return school.phase in PHASES_BY_STAGE[stage_of(year)]


def academic_year_start(on: date) -> date:
    return date(school_year.academic_year_start(on), 9, 1)


class Command(BaseCommand):
    help = (
        "Add invented staff, carers, enrolments and PEPs on top of the imported "
        "sample schools and children, and print the demo sign-ins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the date the demo is built around (default: today)",
        )

    def handle(self, *args: object, today: date | None, **options: object) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "seed_demo adds accounts whose password is printed; it does not run "
                "with PEP_PORTAL_ENV=production."
            )
        if not School.objects.exists() or not Child.objects.exists():
            raise CommandError(
                "There are no schools or children yet. Run import_schools and "
                "import_ssda903 with the sample files first (make demo-data)."
            )
        self.today = today or timezone.localdate()
        self.demo_school: School | None = None

        with transaction.atomic():
            added = Counter[str]()
            staff = self.ensure_staff(added)
            self.name_children(added)
            children = self.children_in_care_of_school_age()
            self.allocate(children, staff, added)
            self.enrol(children, added)
            self.place_school_staff(staff, added)
            self.link_schools(children, staff, added)
            self.add_contacts(children, added)
            self.add_peps(staff, added)
            # Lists show each child's next due date straight away, without waiting
            # for the morning sweep (which also sends e-mails).
            sweep.refresh_due_dates(self.today)

        if added:
            counts = ", ".join(f"{name}={added[name]}" for name in sorted(added))
            self.stdout.write(f"Demo data added this run: {counts}")
        else:
            self.stdout.write("Demo data: nothing to add, it is all there already.")
        self.print_sign_ins()

    # Staff --------------------------------------------------------------------

    def ensure_staff(self, added: Counter[str]) -> dict[str, User]:
        staff: dict[str, User] = {}
        for person in STAFF:
            user, created = User.objects.get_or_create(
                email=person.email,
                defaults={
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "job_title": person.job_title,
                    "telephone": person.telephone,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                added["staff"] += 1
            group, _ = Group.objects.get_or_create(name=person.role.value)
            user.groups.add(group)
            EmailAddress.objects.get_or_create(
                user=user,
                email=user.email,
                defaults={"verified": True, "primary": True},
            )
            if person.team and user.team_id is None:
                user.team, _ = Team.objects.get_or_create(name=person.team)
                user.save(update_fields=["team"])
            staff[person.email] = user

        manager = staff[MANAGER_EMAIL]
        for team in Team.objects.filter(
            name__in={person.team for person in STAFF if person.team},
            manager__isnull=True,
        ):
            team.manager = manager
            team.save(update_fields=["manager"])
        return staff

    # Children -----------------------------------------------------------------

    def name_children(self, added: Counter[str]) -> None:
        unnamed = list(Child.objects.filter(forename="", surname=""))
        for child in unnamed:
            child.forename, child.surname = invented_name(child)
        if unnamed:
            bulk_update_with_history(
                unnamed,
                Child,
                ["forename", "surname"],
                default_change_reason="Demo data: invented name",
            )
            added["children_named"] += len(unnamed)

    def children_in_care_of_school_age(self) -> list[Child]:
        """Children whose current care period is open and who are in Reception to
        Year 13 today, in a stable order."""
        children = Child.objects.filter(care_started_on__isnull=False).order_by(
            "local_child_id"
        )
        return [
            child for child in children if child.school_year_on(self.today).needs_pep
        ]

    def allocate(
        self, children: list[Child], staff: dict[str, User], added: Counter[str]
    ) -> None:
        workers = [
            staff[person.email] for person in STAFF if person.role == Role.SOCIAL_WORKER
        ]
        sam, others = workers[0], workers[1:]
        caseloads = Counter(
            Child.objects.filter(social_worker__in=workers).values_list(
                "social_worker", flat=True
            )
        )
        unallocated = [child for child in children if child.social_worker_id is None]
        for child in unallocated:
            if caseloads[sam.pk] < SAM_CASELOAD:
                worker = sam
            else:
                worker = min(others, key=lambda user: (caseloads[user.pk], user.pk))
            child.social_worker = worker
            caseloads[worker.pk] += 1
        if unallocated:
            bulk_update_with_history(
                unallocated,
                Child,
                ["social_worker"],
                default_change_reason="Demo data: allocated",
            )
            added["children_allocated"] += len(unallocated)

    def enrol(self, children: list[Child], added: Counter[str]) -> None:
        schools = list(School.objects.order_by("urn"))
        enrolled = set(
            Enrolment.objects.filter(ended_on__isnull=True).values_list(
                "child_id", flat=True
            )
        )
        enrolments = []
        for child in children:
            if child.pk in enrolled:
                continue
            year = child.school_year_on(self.today)
            school = self.school_for(child, year, schools)
            if school is None:
                continue
            enrolments.append(
                Enrolment(
                    child=child,
                    school=school,
                    started_on=self.enrolment_start(year, school),
                )
            )
        if enrolments:
            bulk_create_with_history(
                enrolments, Enrolment, default_change_reason="Demo data: enrolled"
            )
            added["enrolments"] += len(enrolments)

    @staticmethod
    def school_for(
        child: Child, year: school_year.SchoolYear, schools: list[School]
    ) -> School | None:
        candidates = [school for school in schools if fits(school, year)]
        special = [s for s in candidates if s.establishment_type_group == SPECIAL_GROUP]
        mainstream = [s for s in candidates if s not in special]
        number = stable_number(child.local_child_id)
        # About one child in twelve attends a special school, as among children in
        # care nationally a far larger share than among all pupils has an EHCP.
        pool = (
            special if (number % 12 == 0 and special) or not mainstream else mainstream
        )
        return pool[number % len(pool)] if pool else None

    def enrolment_start(self, year: school_year.SchoolYear, school: School) -> date:
        """1 September of the year the child would have joined this school."""
        first_year_here = max(0, (school.statutory_low_age or 4) - 4)
        years_here = max(0, year.number - first_year_here)
        start = academic_year_start(self.today)
        return start.replace(year=start.year - years_here)

    # Schools ------------------------------------------------------------------

    def place_school_staff(self, staff: dict[str, User], added: Counter[str]) -> None:
        """The designated teacher and the headteacher work at the mainstream school
        that most of the demo social worker's children attend."""
        teacher = staff[DESIGNATED_TEACHER_EMAIL]
        position = SchoolStaff.objects.filter(
            user=teacher, position=SchoolStaff.Position.DESIGNATED_TEACHER
        ).first()
        if position is not None:
            school = position.school
        else:
            attended = Counter(
                Enrolment.objects.filter(
                    child__social_worker=staff[SOCIAL_WORKER_EMAIL],
                    ended_on__isnull=True,
                )
                .exclude(school__establishment_type_group=SPECIAL_GROUP)
                .values_list("school", flat=True)
            )
            if not attended:
                return
            school_pk = min(attended, key=lambda pk: (-attended[pk], pk))
            school = School.objects.get(pk=school_pk)

        for email, role in (
            (DESIGNATED_TEACHER_EMAIL, SchoolStaff.Position.DESIGNATED_TEACHER),
            (HEADTEACHER_EMAIL, SchoolStaff.Position.HEADTEACHER),
        ):
            _, created = SchoolStaff.objects.get_or_create(
                school=school, user=staff[email], position=role
            )
            if created:
                added["school_staff"] += 1

        if not school.designated_teacher_name:
            school.designated_teacher_name = teacher.get_full_name()
            school.designated_teacher_email = teacher.email
            school.designated_teacher_telephone = teacher.telephone
            school.save()
        self.demo_school = school

    def link_schools(
        self, children: list[Child], staff: dict[str, User], added: Counter[str]
    ) -> None:
        """Share the schools the demo children attend between the link teachers; the
        designated teacher's school goes to the first, Lee."""
        lee, lou = (staff[email] for email in LINK_TEACHER_EMAILS)
        attended = (
            School.objects.filter(
                enrolments__child__in=[child.pk for child in children],
                enrolments__ended_on__isnull=True,
                link_teacher__isnull=True,
            )
            .distinct()
            .order_by("urn")
        )
        for position, school in enumerate(attended):
            if self.demo_school is not None and school.pk == self.demo_school.pk:
                school.link_teacher = lee
            else:
                school.link_teacher = lee if position % 2 == 0 else lou
            school.save(update_fields=["link_teacher", "updated_at"])
            added["schools_linked"] += 1

    # Carers and family --------------------------------------------------------

    def add_contacts(self, children: list[Child], added: Counter[str]) -> None:
        with_contacts = set(
            Contact.objects.filter(child__in=[c.pk for c in children]).values_list(
                "child_id", flat=True
            )
        )
        contacts = []
        for child in children:
            if child.pk in with_contacts:
                continue
            number = stable_number(f"contacts-{child.local_child_id}")
            carer_surname = pick(SURNAMES, number, avoid=child.surname)
            carer_given = pick(GIRLS_NAMES, number // 3, avoid=child.forename)
            contacts.append(
                Contact(
                    child=child,
                    kind=Contact.Kind.CARER,
                    name=f"{carer_given} {carer_surname}",
                    relationship=CARER_RELATIONSHIPS[number % 3],
                    email=f"carer.{child.local_child_id}@example.org",
                    telephone=f"07700 900{number % 1000:03d}",
                )
            )
            relationship = FAMILY_RELATIONSHIPS[(number // 5) % 5]
            family_given = (
                pick(BOYS_NAMES, number, avoid=child.forename)
                if relationship == "Father"
                else pick(GIRLS_NAMES, number // 11, avoid=child.forename)
            )
            contacts.append(
                Contact(
                    child=child,
                    kind=Contact.Kind.BIRTH_FAMILY,
                    name=f"{family_given} {child.surname}",
                    relationship=relationship,
                    telephone=f"07700 900{(number // 1000) % 1000:03d}",
                    # Some parents are not sent copies, as a court order may say.
                    receives_copies=number % 4 != 0,
                )
            )
        if contacts:
            bulk_create_with_history(
                contacts, Contact, default_change_reason="Demo data: contacts"
            )
            added["contacts"] += len(contacts)

    # PEPs ---------------------------------------------------------------------

    def add_peps(self, staff: dict[str, User], added: Counter[str]) -> None:
        """Sam's whole caseload and a dozen children of each other social worker get
        a PEP history; children who already have a PEP are left alone."""
        workers = [
            staff[person.email] for person in STAFF if person.role == Role.SOCIAL_WORKER
        ]
        for worker in workers:
            caseload = Child.objects.filter(social_worker=worker).order_by(
                "local_child_id"
            )
            if worker.email != SOCIAL_WORKER_EMAIL:
                caseload = caseload[:OTHER_WORKERS_WITH_PEPS]
            for index, child in enumerate(caseload):
                if child.peps.exists() or current_school(child) is None:
                    continue
                added["peps"] += self.add_pep_history(child, index, worker)

    def add_pep_history(self, child: Child, index: int, worker: User) -> int:
        """One approved PEP from the spring or summer, then this term's PEP in one of
        several states. Returns how many PEPs were added."""
        pattern = index % 5
        school = current_school(child)
        if self.demo_school is not None and school == self.demo_school:
            pattern = 0  # the designated teacher has a draft to work on
        earlier = self.today - timedelta(days=175 + (index * 3) % 20)
        first = pep_create(child, earlier, worker)
        PepStory(first, worker).fill(Pep.Status.APPROVED)
        if pattern == 3:
            return 1

        days = timedelta(days=1)
        meeting, status = {
            0: (self.today + (8 + index % 10) * days, Pep.Status.DRAFT),
            1: (self.today - (6 + index % 4) * days, Pep.Status.FINALISED),
            2: (self.today - (30 + index % 10) * days, Pep.Status.APPROVED),
            4: (self.today - 2 * days, Pep.Status.DRAFT),
        }[pattern]
        current = pep_create(child, meeting, worker)
        PepStory(current, worker).fill(status)
        return 2

    # Output -------------------------------------------------------------------

    def print_sign_ins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Demo sign-ins (every one uses the password {DEMO_PASSWORD}):"
        )
        width = max(len(person.email) for person in STAFF)
        for person in STAFF:
            self.stdout.write(f"  {person.email:<{width}}  {person.role.label}")
        self.stdout.write(
            "After the password the portal e-mails a code; locally the e-mails are "
            "files under var/mail/ and `make codes` prints the newest codes."
        )


class PepStory:
    """Invented but plausible content for one PEP, by the child's phase and the
    state the PEP has reached."""

    def __init__(self, pep: Pep, worker: User) -> None:
        self.pep = pep
        self.child = pep.child
        self.worker = worker
        self.number = stable_number(
            f"pep-{self.child.local_child_id}-{pep.meeting_date}"
        )
        self.secondary = pep.section_a.phase in {"secondary", "post_16", "special"}

    def fill(self, status: Pep.Status) -> None:
        complete = status != Pep.Status.DRAFT
        self.pep.next_meeting_date = self.pep.meeting_date + timedelta(days=182)
        self.add_attendees()
        self.fill_section_b(complete)
        self.fill_section_c()
        self.fill_section_d(complete)
        self.review_previous_targets(complete)
        if complete:
            self.add_targets()

        meeting_time = datetime.combine(self.pep.meeting_date, time(16, 0))
        if status in {Pep.Status.FINALISED, Pep.Status.APPROVED}:
            self.pep.finalised_at = timezone.make_aware(
                meeting_time + timedelta(days=4)
            )
        if status == Pep.Status.APPROVED:
            self.pep.approved_at = timezone.make_aware(meeting_time + timedelta(days=9))
        self.pep.status = status
        self.pep.save()

    def add_attendees(self) -> None:
        school = self.pep.school
        carer = self.child.contacts.filter(kind=Contact.Kind.CARER).first()
        link_teacher = school.link_teacher if school else None
        attendees = [
            (self.child.display_name, MeetingAttendee.Role.CHILD, ""),
            (self.worker.get_full_name(), MeetingAttendee.Role.SOCIAL_WORKER, ""),
        ]
        if school is not None:
            teacher = school.designated_teacher_name or (
                f"Ms {SURNAMES[school.urn % len(SURNAMES)]}"
            )
            attendees.append((teacher, MeetingAttendee.Role.DESIGNATED_TEACHER, ""))
        if carer is not None:
            attendees.append((carer.name, MeetingAttendee.Role.CARER, ""))
        if link_teacher is not None and self.number % 3 == 0:
            attendees.append(
                (link_teacher.get_full_name(), MeetingAttendee.Role.VIRTUAL_SCHOOL, "")
            )
        if self.number % 4 == 0:
            attendees.append(
                (
                    "Pat Quinn",
                    MeetingAttendee.Role.OTHER,
                    "Independent reviewing officer",
                )
            )
        bulk_create_with_history(
            [
                MeetingAttendee(pep=self.pep, name=name, role=role, other_role=other)
                for name, role, other in attendees
            ],
            MeetingAttendee,
        )

    def fill_section_b(self, complete: bool) -> None:
        section = SectionB.objects.get(pep=self.pep)
        section.invited_to_contribute = "yes"
        section.attended_meeting = "yes" if self.number % 5 else "no"
        if section.attended_meeting == "no":
            section.outcome_reviewer = "Designated teacher, in school the next day"
        section.has_home_learning_support = "yes" if self.number % 6 else "no"
        if section.has_home_learning_support == "no":
            section.home_learning_needs = "A quiet desk and a laptop for homework."
        section.wellbeing = (
            "I feel OK most days. Break times are better now I have a group to sit "
            "with. I get worried when we have a supply teacher."
        )
        section.achievement = (
            "I am good at drawing and I got a certificate for 100% attendance last "
            "half term. I need help with fractions."
            if not self.secondary
            else "I got a merit in science for my practical write-up. I need help "
            "with revising and planning essays."
        )
        if complete:
            section.offered_tuition = "yes"
            section.attendance = "Yes, my carer drops me off. I was late twice."
            section.support = (
                "My form tutor and the learning mentor. I would go to the pastoral "
                "office with a problem."
            )
            section.relationships = "My friends are in my form. I like the PE staff."
            section.ambitions = (
                "I want to be a vet." if self.number % 2 else "I want to be a mechanic."
            )
            if self.secondary:
                section.aspirations = (
                    "A college course in animal care or motor vehicle."
                )
            section.voice_going_right = (
                "Going right: art and PE. Could be better: maths homework and getting "
                "to school on time. A homework club would help."
            )
            section.voice_previous_targets = "I think I met my reading target."
            section.voice_new_targets = "I want to get better at times tables."
            section.carer_comments = (
                "Settled and trying hard; proud of the certificate."
            )
            section.social_worker_comments = "Good progress since the last review."
            section.submitted_at = timezone.now()
        section.updated_by = self.worker
        section.save()

    def fill_section_c(self) -> None:
        section = SectionC.objects.get(pep=self.pep)
        if not section.care_plan_summary:
            section.care_plan_summary = (
                "Long-term foster placement; the plan is for the child to stay with "
                "the current carers. No changes school need to know about this term."
            )
            section.contact_arrangements = (
                "Supervised family time once a month at the family centre, never on a "
                "school day. School may share reports with the carers only."
            )
            section.who_informs_school = "Social worker"
            section.who_liaises_daily = "Foster carer"
            section.who_receives_correspondence = "Foster carer"
            section.who_attends_events = "Foster carer"
            section.school_trip_permission = "Foster carer"
            section.long_journey_permission = "Social worker"
            section.has_education_costs = "no"
            section.travel = SectionC.Travel.CARER_DRIVES
        section.will_continue = "yes"
        section.updated_by = self.worker
        section.save()

    def fill_section_d(self, complete: bool) -> None:
        section = SectionD.objects.get(pep=self.pep)
        section.current_attendance = Decimal("96.4") - Decimal(self.number % 90) / 10
        if section.current_attendance < 90:
            section.attendance_support = (
                "Morning check-in with the learning mentor and a call to the carer "
                "on any day of absence."
            )
        if not section.has_send:
            section.has_send = "yes" if self.number % 3 == 0 else "no"
            if section.has_send == "yes":
                section.primary_send_need = "Social, emotional and mental health"
                section.send_stage = SectionD.SendStage.SEN_SUPPORT
            else:
                section.send_stage = SectionD.SendStage.NONE
            section.extra_curricular = "Football club on Tuesdays; art club at lunch."
        if complete:
            section.education_summary = (
                "Making steady progress and settled in class. Reading has improved "
                "since the last PEP; number work remains the main gap."
            )
            section.accessing_tuition = "yes"
            section.virtual_school_tuition = "no"
            section.pupil_premium_use = (
                "One-to-one maths tuition each week and a reading intervention; "
                "books for home."
            )
            section.carer_support_for_targets = (
                "Hear reading four times a week and sign the reading record."
            )
            section.social_worker_support_for_targets = (
                "Check progress on targets at each statutory visit."
            )
            section.submitted_at = timezone.now()
        section.updated_by = self.worker
        section.save()

        grades = ("4", "5", "6") if self.secondary else ("WTS", "EXS", "GDS")
        extra = ("Science", "History", "Art and Design") if self.secondary else ()
        subjects = list(self.pep.subjects.all())
        known = {row.subject for row in subjects}
        for position, name in enumerate(extra, start=len(subjects)):
            if name not in known:
                subjects.append(
                    SubjectProgress.objects.create(
                        pep=self.pep, subject=name, position=position
                    )
                )
        for offset, row in enumerate(subjects):
            level = grades[(self.number + offset) % 3]
            row.target_level = (
                row.target_level or grades[min(2, grades.index(level) + 1)]
            )
            if complete or row.is_core:
                row.current_level = level
                row.predicted_level = row.target_level if self.number % 4 else level
                on_track = "yes" if (self.number + offset) % 4 else "no"
                row.on_track_for_target = on_track
                row.on_track_for_are = on_track
                row.making_good_progress = "yes"
            if complete and row.is_core:
                row.comments = "Works well with support; needs to check answers."
            row.save()

    def review_previous_targets(self, complete: bool) -> None:
        outcomes = (
            PreviousTargetReview.Achieved.YES,
            PreviousTargetReview.Achieved.PARTLY,
            PreviousTargetReview.Achieved.NO,
        )
        for offset, review in enumerate(self.pep.previous_target_reviews.all()):
            if not complete and offset > 0:
                break
            achieved = outcomes[(self.number + offset) % 3]
            review.success_achieved = achieved
            review.impact = (
                "Tuition sessions attended every week; the assessment shows a clear "
                "step up."
            )
            if achieved != PreviousTargetReview.Achieved.YES:
                review.next_steps = "Carry the target on for another term with tuition."
            review.save()

    def add_targets(self) -> None:
        if self.secondary:
            targets = [
                (
                    Target.Kind.CORE,
                    "Maths",
                    "Solve two-step linear equations correctly in 8 out of 10 "
                    "questions by the February half-term.",
                    "Weekly one-to-one tuition (45 minutes) with the school's maths "
                    "tutor from next week.",
                    "8 out of 10 on the end-of-unit check.",
                    "One half term",
                    Decimal("480.00"),
                ),
                (
                    Target.Kind.CORE,
                    "English Language",
                    "Plan and write a 400-word persuasive piece using paragraphs and "
                    "three persuasive techniques by Easter.",
                    "English teacher to model planning; homework club twice a week.",
                    "Two pieces in the exercise book that meet the criteria.",
                    "One term",
                    Decimal("150.00"),
                ),
                (
                    Target.Kind.ADDITIONAL,
                    "Science",
                    "Complete every practical write-up on time this term.",
                    "Learning mentor checks the planner on Mondays.",
                    "All write-ups marked as handed in.",
                    "One term",
                    None,
                ),
            ]
        else:
            targets = [
                (
                    Target.Kind.CORE,
                    "Maths",
                    "Recall the 3, 4 and 8 times tables within 6 seconds each by the "
                    "February half-term.",
                    "Ten minutes of daily practice with a teaching assistant; a "
                    "times-tables app at home.",
                    "25 out of 25 on the weekly check twice in a row.",
                    "One half term",
                    Decimal("240.00"),
                ),
                (
                    Target.Kind.CORE,
                    "English Reading",
                    "Read a book of the class's level aloud with fewer than three "
                    "errors a page by Easter.",
                    "Reading intervention three mornings a week; carer hears reading "
                    "at home.",
                    "Reading age up by six months on the spring assessment.",
                    "One term",
                    Decimal("320.00"),
                ),
            ]
        bulk_create_with_history(
            [
                Target(
                    pep=self.pep,
                    kind=kind,
                    subject_area=subject,
                    target=text,
                    action=action,
                    success_criteria=criteria,
                    timescale=timescale,
                    pupil_premium_cost=cost,
                )
                for kind, subject, text, action, criteria, timescale, cost in targets
            ],
            Target,
        )
