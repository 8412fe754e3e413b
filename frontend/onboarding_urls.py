"""Pages of this area (included by frontend/urls.py, in the frontend namespace)."""

urlpatterns: list = []
