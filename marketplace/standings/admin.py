from django.contrib import admin

from .models import SupplierStanding


@admin.register(SupplierStanding)
class SupplierStandingAdmin(admin.ModelAdmin):
    list_display = ["supplier", "buyer", "score", "band", "period_label", "updated_at"]
    list_filter = ["band"]
    search_fields = ["supplier__legal_name", "buyer__legal_name"]
    readonly_fields = [f.name for f in SupplierStanding._meta.fields]

    def has_add_permission(self, request):
        return False
