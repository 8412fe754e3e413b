"""Pages of this area (included by frontend/urls.py, in the frontend namespace)."""

from django.urls import path

from . import admin_views, onboarding_views

urlpatterns: list = [
    # Onboarding: my companies, their people and invitations, their verification.
    path("companies/", onboarding_views.company_list, name="company-list"),
    path("companies/new/", onboarding_views.company_register_page, name="company-register"),
    path("companies/<int:company_id>/", onboarding_views.company_page, name="company"),
    path(
        "companies/<int:company_id>/edit/", onboarding_views.company_edit_page, name="company-edit"
    ),
    path(
        "companies/<int:company_id>/members/<int:user_id>/roles/",
        onboarding_views.member_roles_page,
        name="company-member-roles",
    ),
    path(
        "companies/<int:company_id>/members/<int:user_id>/remove/",
        onboarding_views.member_remove_page,
        name="company-member-remove",
    ),
    path(
        "companies/<int:company_id>/leave/",
        onboarding_views.company_leave_page,
        name="company-leave",
    ),
    path(
        "companies/<int:company_id>/invitations/",
        onboarding_views.invitation_create_page,
        name="company-invitation-create",
    ),
    path(
        "companies/<int:company_id>/invitations/<int:invitation_id>/revoke/",
        onboarding_views.invitation_revoke_page,
        name="company-invitation-revoke",
    ),
    path(
        "companies/<int:company_id>/platforms/apply/",
        onboarding_views.platform_apply_page,
        name="company-platform-apply",
    ),
    path(
        "companies/<int:company_id>/verification/",
        onboarding_views.verification_page,
        name="company-verification",
    ),
    path(
        "companies/<int:company_id>/verification/documents/",
        onboarding_views.document_upload_page,
        name="verification-document-upload",
    ),
    path(
        "companies/<int:company_id>/verification/documents/<int:document_id>/delete/",
        onboarding_views.document_delete_page,
        name="verification-document-delete",
    ),
    path(
        "companies/<int:company_id>/verification/submit/",
        onboarding_views.verification_submit_page,
        name="verification-submit",
    ),
    # The platform admin: the verification queue, membership requests, rules.
    path("review/", admin_views.review_queue, name="review-queue"),
    path("review/<int:submission_id>/", admin_views.review_submission, name="review-submission"),
    path("platforms/manage/", admin_views.platform_admin_list, name="platform-admin"),
    path(
        "platforms/<int:platform_id>/participations/",
        admin_views.platform_participations,
        name="platform-participations",
    ),
    path("platforms/<int:platform_id>/rules/", admin_views.platform_rules, name="platform-rules"),
    path(
        "participations/<int:participation_id>/decide/",
        admin_views.participation_decide,
        name="participation-decide",
    ),
]
