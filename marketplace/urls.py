from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

api_patterns = [
    path("", include("marketplace.users.api.urls")),
    path("", include("marketplace.companies.api.urls")),
    path("", include("marketplace.platforms.api.urls")),
    path("", include("marketplace.categories.api.urls")),
    path("", include("marketplace.verification.api.urls")),
    path("", include("marketplace.events.api.urls")),
    path("", include("marketplace.webhooks.api.urls")),
    path("", include("suppliers.api.urls")),
    path("", include("buyers.api.urls")),
    path("", include("auctions.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("crm.api.urls")),
    path("", include("deals.api.urls")),
    path("", include("logistics.api.urls")),
    path("", include("ratings.api.urls")),
    path("", include("search.api.urls")),
    path("", include("sourcing.api.urls")),
    path("", include("planning.api.urls")),
    path("", include("marketing.api.urls")),
    path("", include("servicedesk.api.urls")),
    path("", include("automation.api.urls")),
    path("", include("pricing.api.urls")),
    path("", include("translation_orders.api.urls")),
    path("", include("practice.api.urls")),
]

# Swagger UI and Redoc style themselves inline and Redoc runs a blob: worker; their pages (and
# only theirs) widen the site's Content-Security-Policy for that. Their scripts stay 'self'.
docs_csp = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})


def favicon(request):
    # At the request, not at import: the static files' manifest may not be read yet.
    return HttpResponsePermanentRedirect(static_url("frontend/favicon.svg"))


urlpatterns = [
    # Browsers ask for /favicon.ico whatever a page links (the API's answers, files): the icon.
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    # The e-mail provider's tracking (delivered, opened, bounced...) and inbound webhooks
    # (anymail/<esp>/tracking/, anymail/<esp>/inbound/), guarded by ANYMAIL["WEBHOOK_SECRET"].
    path("anymail/", include("anymail.urls")),
    path("api/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("api/redoc/", docs_csp(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
    path("", include("frontend.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
