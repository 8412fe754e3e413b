"""The service desk pages (included by frontend/urls.py): the workspace's cases
(``/crm/<workspace id>/cases/...``, names ``servicedesk-...``) and the customer's own view
(``/support/...``, names ``support-...``)."""

from django.urls import path

from . import servicedesk_customer_views as customer
from . import servicedesk_views as views

WS = "crm/<int:workspace_id>/cases/"
CASE = WS + "<int:case_id>/"

urlpatterns = [
    # The workspace's staff
    path(WS, views.case_list_page, name="servicedesk-cases"),
    path(WS + "new/", views.case_create_page, name="servicedesk-case-create"),
    path(WS + "settings/", views.desk_settings_page, name="servicedesk-settings"),
    path(CASE, views.case_page, name="servicedesk-case"),
    path(CASE + "reply/", views.case_reply_page, name="servicedesk-case-reply"),
    path(CASE + "update/", views.case_update_page, name="servicedesk-case-update"),
    path(CASE + "status/", views.case_status_page, name="servicedesk-case-status"),
    # The customer
    path("support/", customer.support_index, name="support-cases"),
    path("support/new/", customer.support_create, name="support-case-create"),
    path("support/<int:case_id>/", customer.support_case, name="support-case"),
    path("support/<int:case_id>/message/", customer.support_message, name="support-case-message"),
    path("support/<int:case_id>/survey/", customer.support_case_survey, name="support-case-survey"),
    path("support/survey/<str:token>/", customer.support_survey, name="support-survey"),
]
