"""The roles people hold in the portal. Each role is a Django group of the same name."""

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
    LINK_TEACHER = "link_teacher", "Virtual School link teacher"
    ADMINISTRATOR = "administrator", "Virtual School administrator"
    GOVERNOR = "governor", "Virtual School governing board"
    SOCIAL_WORK_MANAGER = "social_work_manager", "Social-work manager"
    HEADTEACHER = "headteacher", "Headteacher"


MANAGER_ROLES = frozenset({Role.GOVERNOR, Role.SOCIAL_WORK_MANAGER, Role.HEADTEACHER})
STAFF_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.LINK_TEACHER, Role.ADMINISTRATOR} | MANAGER_ROLES
)
