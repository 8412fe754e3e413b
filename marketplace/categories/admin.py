from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_uk", "depth"]
    list_filter = ["depth"]
    search_fields = ["code", "name_en", "name_ru", "name_uk", "search_ru", "search_uk"]
    readonly_fields = ["path", "depth"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]
