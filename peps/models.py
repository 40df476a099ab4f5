"""Children in care, their schools and their Personal Education Plans.

Every field, table and question of the blank PEP in the process guide has a home here:
Section A on `SectionA` and `MeetingAttendee`, Section B (with the eight pupil-voice
questions) on `SectionB`, Section C on `SectionC` and `LegalStatusRow`, Section D on
`SectionD`, `SubjectProgress`, `PreviousTargetReview` and `Target`. Section E and the
quality rubric belong to the `quality` app.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from peps import school_year


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class YesNoNotApplicable(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class School(models.Model):
    """An establishment from the Get Information About Schools register, keyed by "
    "URN."""

    class Status(models.TextChoices):
        OPEN = "Open"
        CLOSED = "Closed"
        OPEN_PROPOSED_TO_CLOSE = "Open, but proposed to close"
        PROPOSED_TO_OPEN = "Proposed to open"

    urn = models.PositiveIntegerField("URN", unique=True)
    name = models.CharField(max_length=200)
    establishment_type = models.CharField(max_length=120, blank=True)
    establishment_type_group = models.CharField(max_length=120, blank=True)
    phase = models.CharField("phase of education", max_length=60, blank=True)
    status = models.CharField(max_length=40, choices=Status.choices)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=120, blank=True)
    county = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=300, blank=True)
    local_authority_code = models.CharField(max_length=3, blank=True)
    local_authority_name = models.CharField(max_length=120, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    headteacher_name = models.CharField(max_length=200, blank=True)

    designated_teacher_name = models.CharField(max_length=200, blank=True)
    designated_teacher_email = models.EmailField(blank=True)
    designated_teacher_telephone = models.CharField(max_length=40, blank=True)
    link_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_schools",
        help_text="The Virtual School link teacher for this school's children.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def address(self) -> str:
        parts = [self.street, self.locality, self.address3, self.town, self.county]
        return ", ".join(part for part in parts if part)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class SchoolStaff(models.Model):
    """A portal account that belongs to a school: its designated teacher or head."""

    class Position(models.TextChoices):
        DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
        HEADTEACHER = "headteacher", "Headteacher"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="school_positions",
    )
    position = models.CharField(max_length=30, choices=Position.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user", "position"], name="unique_school_position"
            )
        ]


class Child(models.Model):
    """A child looked after by the authority, as held in the SSDA903 return."""

    class Sex(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"
        UNKNOWN = "U", "Not known"

    local_child_id = models.CharField(
        "local child identifier", max_length=10, unique=True
    )
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, blank=True)
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    is_mother = models.BooleanField(null=True, blank=True)
    mother_child_date_of_birth = models.DateField(null=True, blank=True)
    sdq_score = models.PositiveSmallIntegerField("SDQ score", null=True, blank=True)
    sdq_reason = models.CharField("reason for no SDQ score", max_length=4, blank=True)
    referral_received_on = models.DateField(null=True, blank=True)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
    )
    # Kept up to date by the cycle sweep so that lists and reports need no recount.
    care_started_on = models.DateField(null=True, blank=True)
    next_pep_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["surname", "forename", "local_child_id"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["social_worker", "surname"]),
            models.Index(fields=["next_pep_due_on"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.forename} {self.surname}".strip()
        return name or f"Child {self.local_child_id}"

    def school_year_on(self, on: date) -> school_year.SchoolYear:
        return school_year.school_year(self.date_of_birth, on)


class CareEpisode(models.Model):
    """One episode of care from the SSDA903 episodes table.

    `placement_urn` is the placement's Ofsted number, never a school.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    started_on = models.DateField("date episode commenced")
    reason_for_new_episode = models.CharField(max_length=2)
    legal_status = models.CharField(max_length=3)
    category_of_need = models.CharField(max_length=3)
    placement_type = models.CharField(max_length=3)
    placement_provider = models.CharField(max_length=4, blank=True)
    placement_postcode = models.CharField(max_length=10, blank=True)
    home_postcode = models.CharField(max_length=10, blank=True)
    placement_urn = models.CharField("placement Ofsted URN", max_length=8, blank=True)
    ended_on = models.DateField("date episode ceased", null=True, blank=True)
    reason_ceased = models.CharField(max_length=3, blank=True)
    reason_place_change = models.CharField(max_length=6, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "started_on"], name="one_episode_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"Episode from {self.started_on:%d/%m/%Y}"


class Enrolment(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="enrolments"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="enrolments"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["school", "ended_on"])]


class Contact(models.Model):
    """A carer, birth-family member or other adult who gets copies but never signs "
    "in."""

    class Kind(models.TextChoices):
        CARER = "carer", "Carer"
        BIRTH_FAMILY = "birth_family", "Birth family"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    receives_copies = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]


class Phase(models.TextChoices):
    FOUNDATION = "foundation", "Foundation"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    POST_16 = "post_16", "Post 16"
    SPECIAL = "special", "Special school"


class Pep(models.Model):
    """One PEP meeting with the work before and after it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In preparation"
        FINALISED = "finalised", "Awaiting quality assurance"
        RETURNED = "returned", "Returned for amendment"
        APPROVED = "approved", "Approved"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="peps")
    previous_pep = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="peps"
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting_date = models.DateField("date of PEP meeting")
    next_meeting_date = models.DateField(
        "date of next PEP meeting", null=True, blank=True
    )
    due_on = models.DateField(
        null=True, blank=True, help_text="When the meeting was due by the cycle rules."
    )
    late_reason = models.TextField(
        blank=True, help_text="Why the meeting is held after its due date."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    reopened_sections = models.JSONField(default=list, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting_date"]
        verbose_name = "PEP"
        permissions = [
            ("complete_school_section", "Can complete the school section (B and D)"),
        ]
        indexes = [
            models.Index(fields=["child", "-meeting_date"]),
            models.Index(fields=["status", "meeting_date"]),
            models.Index(fields=["meeting_date"]),
        ]

    def __str__(self) -> str:
        return f"PEP of {self.meeting_date:%d/%m/%Y}"

    @property
    def is_late(self) -> bool:
        return self.due_on is not None and self.meeting_date > self.due_on


class Section(models.Model):
    """What every PEP section shares: its PEP and a version against lost edits."""

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class SectionA(Section):
    """Section A, completed by the social worker: phase, year and meeting details."""

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="section_a")
    phase = models.CharField(
        "is this PEP for Foundation, Primary, Secondary, Post 16 or Special School?",
        max_length=20,
        choices=Phase.choices,
        blank=True,
    )
    school_year = models.CharField(max_length=20, blank=True)

    history = HistoricalRecords()


class MeetingAttendee(models.Model):
    class Role(models.TextChoices):
        CHILD = "child", "Child or young person"
        SOCIAL_WORKER = "social_worker", "Social worker"
        DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
        CARER = "carer", "Carer"
        BIRTH_FAMILY = "birth_family", "Birth family member"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual School"
        OTHER = "other", "Other"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=Role.choices)
    other_role = models.CharField(
        "if other role, what is their role?", max_length=120, blank=True
    )
    contact_details = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]


class SectionB(Section):
    """Section B, the child's views, completed by the school with the child."""

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="section_b")
    invited_to_contribute = models.CharField(
        "was the child or young person invited to contribute to the PEP meeting?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    attended_meeting = models.CharField(
        "did the child or young person attend the PEP meeting?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    outcome_reviewer = models.CharField(
        "if the child or young person did not attend, who will review the outcome with "
        "them?",
        max_length=200,
        blank=True,
    )
    has_home_learning_support = models.CharField(
        "do you have what you need to support your learning at home?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    home_learning_needs = models.TextField(
        "if no, what do you need to help you learn at home?", blank=True
    )
    offered_tuition = models.CharField(
        "have you been offered 1:1 tuition?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    wellbeing = models.TextField(
        "well-being: how do you feel whilst you are at school? What makes you feel "
        "good "
        "in school? Is there anything that doesn't make you feel good?",
        blank=True,
    )
    achievement = models.TextField(
        "achievement: what do you do well in school? Is there anything you feel proud "
        "of? Is there anything you need help with?",
        blank=True,
    )
    attendance = models.TextField(
        "attendance: do you go to school every day and arrive on time?", blank=True
    )
    support = models.TextField(
        "support: who helps you in school? Who would you go to with a problem? What "
        "can "
        "you do if you need support with your learning? Would you like any more help "
        "in "
        "school?",
        blank=True,
    )
    relationships = models.TextField(
        "relationships: who are your friends? Which adults do you like spending time "
        "with? Which adults help you?",
        blank=True,
    )
    aspirations = models.TextField(
        "aspirations (secondary): what do you want to study or train in when you leave "
        "Year 11?",
        blank=True,
    )
    ambitions = models.TextField(
        "ambitions: what job or career do you hope to do in future?", blank=True
    )

    # The eight questions designed by a pupil focus group.
    voice_going_right = models.TextField(
        "2 areas that are going right at school? 2 areas that could be better? Is "
        "there "
        "anything we can do to help to improve the things that could be better?",
        blank=True,
    )
    voice_subjects = models.TextField(
        "tell me what subjects go well for you in school. Why do you think they are "
        "going "
        "well?",
        blank=True,
    )
    voice_help = models.TextField(
        "who would you go to if you needed help with your learning? What about help "
        "with "
        "your emotional support?",
        blank=True,
    )
    voice_people = models.TextField(
        "are there people you like spending time with, in school? If so, who are they "
        "and "
        "why?",
        blank=True,
    )
    voice_future = models.TextField(
        "do you have any idea what you would like to do in the future? Do you need any "
        "help with this?",
        blank=True,
    )
    voice_on_time = models.TextField("do you come to school on time?", blank=True)
    voice_previous_targets = models.TextField(
        "can we look at your targets from your last PEP: do you think you have met "
        "them?",
        blank=True,
    )
    voice_new_targets = models.TextField(
        "from the new information your teachers have provided, do you have any ideas "
        "for "
        "new targets?",
        blank=True,
    )

    carer_comments = models.TextField(
        "parent or carer comments: strengths and achievements", blank=True
    )
    social_worker_comments = models.TextField(
        "social worker comments: strengths and achievements", blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()


class SectionC(Section):
    """Section C, social care arrangements, completed by the social worker."""

    class Travel(models.TextChoices):
        WALKS = "walks", "Walks"
        PUBLIC_TRANSPORT = "public_transport", "Public transport"
        CARER_DRIVES = "carer_drives", "Carer drives"
        LOCAL_AUTHORITY_TRANSPORT = "la_transport", "Local authority transport or taxi"
        OTHER = "other", "Other"

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="section_c")

    # Access to education
    previous_provisions = models.TextField(
        "previous education provisions attended and dates", blank=True
    )
    current_provision = models.TextField(
        "name and address of current school or education provision", blank=True
    )
    current_provision_postcode = models.CharField("postcode", max_length=10, blank=True)
    current_provision_telephone = models.CharField(
        "telephone number", max_length=40, blank=True
    )
    designated_teacher_contact = models.TextField(
        "name and contact details of designated teacher", blank=True
    )
    virtual_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="virtual school teacher",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    will_continue = models.CharField(
        "will the child or young person continue to attend this nursery, school or "
        "college?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    new_provision_identified = models.CharField(
        "if the child or young person cannot continue at their previous nursery, "
        "school "
        "or college, has a new one been identified?",
        max_length=20,
        choices=YesNoNotApplicable.choices,
        blank=True,
    )
    new_provision = models.TextField(
        "name and address of the new nursery, school, college or other educational "
        "provision",
        blank=True,
    )
    new_provision_postcode = models.CharField("postcode", max_length=10, blank=True)
    new_provision_telephone = models.CharField(
        "telephone number", max_length=40, blank=True
    )
    new_provision_designated_teacher = models.TextField(
        "name and contact details of designated teacher", blank=True
    )
    travel = models.CharField(
        "how will the child get to and from school, college or place of education?",
        max_length=20,
        choices=Travel.choices,
        blank=True,
    )
    travel_other = models.CharField(
        "if other, please specify", max_length=200, blank=True
    )

    # Care plan summary
    referral_received_on = models.DateField(
        "date referral received", null=True, blank=True
    )
    care_started_on = models.DateField("CLA start date", null=True, blank=True)
    current_legal_status = models.CharField(max_length=120, blank=True)
    sdq_score = models.PositiveSmallIntegerField("SDQ score", null=True, blank=True)
    health_information = models.TextField(blank=True)
    care_plan_summary = models.TextField(
        "care plan summary and any changes school need to be aware of", blank=True
    )
    contact_arrangements = models.TextField(
        "contact arrangements and permissions relevant to education", blank=True
    )
    placement_stability = models.TextField(
        "placement and stability: changes to discuss as part of the education review",
        blank=True,
    )
    case_worker_name = models.CharField(
        "allocated case worker name", max_length=200, blank=True
    )
    case_worker_telephone = models.CharField(
        "allocated case worker telephone", max_length=40, blank=True
    )
    who_informs_school = models.CharField(
        "if necessary, who will inform the child's nursery, school or educational "
        "establishment that they are looked after or have changed placement?",
        max_length=200,
        blank=True,
    )
    who_liaises_daily = models.CharField(
        "who will liaise with the school on a day to day basis?",
        max_length=200,
        blank=True,
    )
    who_receives_correspondence = models.CharField(
        "who will receive correspondence and reports from the child's nursery, school "
        "or "
        "educational establishment?",
        max_length=200,
        blank=True,
    )
    carer_information_sharing = models.TextField(
        "if not carer(s), how will information be shared with them?", blank=True
    )
    parent_information_sharing = models.TextField(
        "if not parent(s), how will information be shared with them?", blank=True
    )
    who_attends_events = models.CharField(
        "who will attend parent and open evenings and other school events?",
        max_length=200,
        blank=True,
    )
    school_trip_permission = models.CharField(
        "permission for the child or young person to go on school trips may be given "
        "by",
        max_length=200,
        blank=True,
    )
    long_journey_permission = models.CharField(
        "permission for the child or young person to go on longer school journeys may "
        "be "
        "given by",
        max_length=200,
        blank=True,
    )
    has_education_costs = models.CharField(
        "are there any costs associated with the child's education, for example school "
        "meals, fares, uniforms?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    who_meets_costs = models.CharField(
        "if so, who will meet the costs?", max_length=200, blank=True
    )

    history = HistoricalRecords()


class LegalStatusRow(models.Model):
    pep = models.ForeignKey(
        Pep, on_delete=models.CASCADE, related_name="legal_statuses"
    )
    started_on = models.DateField()
    legal_status = models.CharField(max_length=120)
    expiry_date = models.DateField(null=True, blank=True)
    actual_end_date = models.DateField(null=True, blank=True)
    court = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "id"]


class SectionD(Section):
    """Section D, school provision, completed by the school."""

    class SendStage(models.TextChoices):
        NONE = "none", "No special educational needs"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHCP = "ehcp", "Education, health and care plan"
        ASSESSMENT = "assessment", "Being assessed for an EHCP"

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="section_d")
    current_attendance = models.DecimalField(
        "current attendance (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    attendance_support = models.TextField(
        "where attendance is a concern, what support is in place?", blank=True
    )
    education_summary = models.TextField(blank=True)
    accessing_tuition = models.CharField(
        "is the child or young person accessing tuition?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    virtual_school_tuition = models.CharField(
        "is the child or young person accessing tuition from the Virtual School?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    pupil_premium_use = models.TextField(
        "how is Pupil Premium Plus being used to support the child?", blank=True
    )
    carer_support_for_targets = models.TextField(
        "how will the parent or carer support the child to meet their targets?",
        blank=True,
    )
    social_worker_support_for_targets = models.TextField(
        "how will the social worker support the child to meet their targets?",
        blank=True,
    )
    additional_pupil_premium_request = models.TextField(
        "additional Pupil Premium Plus requested from the Virtual School, and why",
        blank=True,
    )

    # Special educational needs and disability
    has_send = models.CharField(
        "does the young person have a special educational need or disability?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    primary_send_need = models.CharField(
        "what is the young person's primary special educational need or disability?",
        max_length=200,
        blank=True,
    )
    send_stage = models.CharField(
        "which SEND code of practice stage is the young person at?",
        max_length=20,
        choices=SendStage.choices,
        blank=True,
    )
    out_of_area_send_status = models.CharField(
        "if not at a school in the authority, is the young person on SEND support or "
        "an "
        "EHCP?",
        max_length=200,
        blank=True,
    )
    recent_assessments = models.TextField(
        "recent assessments of educational needs, for example Boxall", blank=True
    )
    inclusion_arrangements = models.TextField(blank=True)
    extra_curricular = models.TextField("extra-curricular activities", blank=True)
    change_of_school_discussed = models.CharField(
        "has a change of school been discussed with the child?",
        max_length=20,
        choices=YesNoNotApplicable.choices,
        blank=True,
    )
    transition_arrangements = models.TextField(
        "what arrangements are in place to support the child's transition?", blank=True
    )
    new_school_arrangements = models.TextField(
        "what arrangements are in place to support the new school?", blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()


class SubjectProgress(models.Model):
    class OnTrack(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="subjects")
    subject = models.CharField(max_length=120)
    is_core = models.BooleanField(default=False)
    current_level = models.CharField("current school level", max_length=40, blank=True)
    target_level = models.CharField(max_length=40, blank=True)
    predicted_level = models.CharField(max_length=40, blank=True)
    on_track_for_target = models.CharField(
        "on track to meet target", max_length=3, choices=OnTrack.choices, blank=True
    )
    on_track_for_are = models.CharField(
        "on track to meet age-related expectations",
        max_length=3,
        choices=OnTrack.choices,
        blank=True,
    )
    making_good_progress = models.CharField(
        max_length=3, choices=OnTrack.choices, blank=True
    )
    comments = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_core", "position", "id"]


class PreviousTargetReview(models.Model):
    class Achieved(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    pep = models.ForeignKey(
        Pep, on_delete=models.CASCADE, related_name="previous_target_reviews"
    )
    source_target = models.ForeignKey(
        "Target", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target = models.TextField("previous PEP target")
    impact = models.TextField("impact of the actions", blank=True)
    success_achieved = models.CharField(
        "has the success criteria been achieved?",
        max_length=10,
        choices=Achieved.choices,
        blank=True,
    )
    next_steps = models.TextField(
        "if the success criteria has not been met, what needs to happen next?",
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]


class Target(models.Model):
    """A new SMART target, with what Pupil Premium Plus it draws on."""

    class Kind(models.TextChoices):
        CORE = "core", "Core subject target"
        ADDITIONAL = "additional", "Additional subject target"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORE)
    subject_area = models.CharField(max_length=120)
    target = models.TextField("target (SMART)")
    action = models.TextField(
        "action: what will you do? Who will do it? When will they do it?", blank=True
    )
    success_criteria = models.TextField(
        "success criteria: what will you see", blank=True
    )
    timescale = models.CharField(max_length=200, blank=True)
    pupil_premium_cost = models.DecimalField(
        "Pupil Premium Plus or bursary cost (£)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]


class PupilVoiceAttachment(models.Model):
    """A drawing, photo or document of the child's views; stored privately."""

    pep = models.ForeignKey(
        Pep, on_delete=models.CASCADE, related_name="voice_attachments"
    )
    file = models.FileField(upload_to="pupil-voice/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at"]


class PepTask(models.Model):
    """One step of a PEP's preparation timeline, assigned to someone with a due date."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="tasks")
    step = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    responsible_role = models.CharField(max_length=30)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pep_tasks",
    )
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pep", "step"], name="one_task_per_step")
        ]
        indexes = [
            models.Index(fields=["assignee", "completed_at", "due_on"]),
            models.Index(fields=["completed_at", "due_on"]),
        ]


class ChildUserObjectPermission(UserObjectPermissionBase):
    """A grant on one child to one user, in its own table for speed."""

    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)


class PepUserObjectPermission(UserObjectPermissionBase):
    """A grant on one PEP to one user (for example a delegated designated teacher)."""

    content_object = models.ForeignKey(Pep, on_delete=models.CASCADE)


from peps.models_cycle import (  # noqa: E402, F401, I001
    CycleEmail,
    CycleSettings,
    Escalation,
    MeetingInvitation,
)
