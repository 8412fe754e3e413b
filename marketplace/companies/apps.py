from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "marketplace.companies"
    label = "companies"
