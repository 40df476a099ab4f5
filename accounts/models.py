from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from accounts.roles import MANAGER_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> User:
        if not email:
            raise ValueError("Enter an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class Team(models.Model):
    """A social-work team; its manager reads the team's dashboards."""

    name = models.CharField(max_length=120, unique=True)
    manager = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Anyone who signs in: council staff and school staff alike, by e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    job_title = models.CharField(max_length=120, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )

    # Registration details that the delegation portal asks school staff for.
    professional_capacity = models.BooleanField(
        "used in a professional capacity", default=False
    )
    property_name = models.CharField(max_length=120, blank=True)
    house_number_or_name = models.CharField(max_length=120, blank=True)
    street = models.CharField(max_length=120, blank=True)
    area = models.CharField(max_length=120, blank=True)
    town = models.CharField("town or city", max_length=120, blank=True)
    county = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def roles(self) -> frozenset[Role]:
        names = {group.name for group in self.groups.all()}
        return frozenset(role for role in Role if role.value in names)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_manager(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)

    @property
    def previous_password_hashes(self) -> list[str]:
        if self.pk is None:
            # Someone registering: no history yet, and no row to ask about.
            return []
        return list(self.password_history.values_list("encoded", flat=True)[:8])


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so that the last eight are not reused."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history"
    )
    encoded = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
