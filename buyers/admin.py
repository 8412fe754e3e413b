from django.contrib import admin

from .models import BuyerProfile


@admin.register(BuyerProfile)
class BuyerProfileAdmin(admin.ModelAdmin):
    list_display = ["company", "updated_at"]
    search_fields = ["company__legal_name", "description"]
    autocomplete_fields = ["company"]
    filter_horizontal = ["categories"]
    list_select_related = ["company"]
