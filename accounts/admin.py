from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "team", "is_active"]
    list_filter = ["groups", "is_active", "team"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "job_title", "telephone"]}),
        ("Roles", {"fields": ["groups", "team", "is_active", "is_staff"]}),
        (
            "School address",
            {
                "classes": ["collapse"],
                "fields": [
                    "professional_capacity",
                    "property_name",
                    "house_number_or_name",
                    "street",
                    "area",
                    "town",
                    "county",
                    "postcode",
                ],
            },
        ),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "first_name", "last_name", "groups"]}),
        (None, {"fields": ["password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name"]
