from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "marketplace.users"
    label = "users"
