"""White-label platforms: the brand editor and the generated stylesheet (included by frontend/urls.py)."""

urlpatterns: list = []
