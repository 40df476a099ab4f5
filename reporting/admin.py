from django.contrib import admin

from reporting.models import FactRefresh, PupilPremiumRate, ReportSubscription, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "academic_year", "starts_on", "ends_on"]
    list_filter = ["kind", "academic_year"]
    ordering = ["starts_on"]


@admin.register(PupilPremiumRate)
class PupilPremiumRateAdmin(admin.ModelAdmin):
    list_display = ["financial_year", "amount"]


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "scope", "last_sent_term", "last_sent_at"]
    list_filter = ["scope"]
    raw_id_fields = ["user"]
    readonly_fields = ["last_sent_at", "last_sent_term"]


@admin.register(FactRefresh)
class FactRefreshAdmin(admin.ModelAdmin):
    list_display = ["refreshed_at", "as_of", "peps", "children", "seconds"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
