"""Tradefloor settings, read from the environment.

Without any environment the project runs in the *embedded* mode: SQLite, the in-memory
channel layer and Celery executing tasks eagerly. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL, channels-redis and Celery on Redis. ``DJANGO_ENV=production`` insists on all of them
and on a real secret key, and turns on every deployment safeguard.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
_DEV_SECRET = "django-insecure-tradefloor-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")

if PRODUCTION:
    missing = [
        name
        for name, value in (
            ("SECRET_KEY", SECRET_KEY),
            ("DATABASE_URL", DATABASE_URL),
            ("REDIS_URL", REDIS_URL),
            ("ALLOWED_HOSTS", ALLOWED_HOSTS),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production needs these environment variables: {', '.join(missing)}"
        )
    if not DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured("DJANGO_ENV=production needs a PostgreSQL DATABASE_URL")
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be a unique value of 50 characters or more")
    if DEBUG:  # debug pages show settings, SQL and tracebacks to anyone
        raise ImproperlyConfigured(
            "DJANGO_ENV=production refuses DJANGO_DEBUG: unset it or set it to 0 (debug mode "
            "shows settings, SQL and tracebacks to anyone)"
        )

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "django_htmx",
    "csp",
    "anymail",
    "parler",
    "marketplace.core",
    "marketplace.users",
    "marketplace.companies",
    "marketplace.platforms",
    "marketplace.categories",
    "marketplace.verification",
    "marketplace.events",
    "marketplace.webhooks",
    "marketplace.standings",
    "marketplace.translation",
    "suppliers",
    "buyers",
    "auctions",
    "crm",
    "deals",
    "logistics",
    "ratings",
    "search",
    "sourcing",
    "planning",
    "marketing",
    "servicedesk",
    "automation",
    "pricing",
    "translation_orders",
    "practice",
    "notifications",
    "frontend",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The person's time zone (and language until one is picked) on the pages.
    "marketplace.users.middleware.PersonZoneMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # PostgreSQL or Redis away: 503 with Retry-After, not a 500 (marketplace/core/outages.py).
    "marketplace.core.outages.OutageMiddleware",
]

# --- White-label platforms (marketplace/platforms/branding.py, docs/api/branding.md) ----------
# A dedicated platform's brand answers on its own host names. Django checks each request's host
# against ALLOWED_HOSTS before the brand table is read (a brand cannot widen what the server
# answers to): in production each brand host, or a wildcard over them such as
# ".clients.tradefloor.example", is added to ALLOWED_HOSTS with its DNS and TLS certificate. In
# development any *.localhost is allowed (the demo's brand: http://client.localhost:8000).
if not PRODUCTION and "ALLOWED_HOSTS" not in env:
    ALLOWED_HOSTS.append(".localhost")
# The brand of the request's host (request.brand, request.platform_scope), once the host is
# checked; then, before a view runs, a tender or lot of another platform is 404 on a brand host.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1,
    "marketplace.platforms.hosts.BrandHostMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "frontend.brand_scope.BrandScopeMiddleware",
)
# allauth's e-mail on a brand's host comes from the brand's sender.
ACCOUNT_ADAPTER = "marketplace.platforms.account_adapter.BrandAccountAdapter"
# Tradefloor's own host names besides SITE_URL's, localhost and 127.0.0.1: never a brand's.
PLATFORM_OWN_HOSTS = env.list("PLATFORM_OWN_HOSTS", default=[])
# A brand's logo: at most this many bytes and pixels (PNG, JPEG or WebP; SVG is refused).
BRAND_LOGO_MAX_BYTES = env.int("BRAND_LOGO_MAX_BYTES", default=512 * 1024)
BRAND_LOGO_MAX_WIDTH = env.int("BRAND_LOGO_MAX_WIDTH", default=2000)
BRAND_LOGO_MAX_HEIGHT = env.int("BRAND_LOGO_MAX_HEIGHT", default=1000)
# --- end of white-label platforms -------------------------------------------------------------

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Server-side parameters, and a statement a connection has run 5 times prepared (Django
        # turns psycopg's preparing off unless told), so PostgreSQL plans the bid path's
        # statements once per connection instead of on every call. Behind a pooler in
        # transaction mode (PgBouncer before 1.21) set DB_PREPARE_THRESHOLD=0 (never).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = env.bool("DB_SERVER_SIDE_BINDING", default=True)
        threshold = env.int("DB_PREPARE_THRESHOLD", default=5)
        options["prepare_threshold"] = threshold if threshold > 0 else None
        # No JIT compilation: our statements are short, and a search over 50,000 tenders whose
        # estimated cost passes jit_above_cost spent 35 ms compiling to run in 15
        # (docs/benchmarks.md). DB_JIT=1 leaves the server's setting.
        if not env.bool("DB_JIT", default=False):
            options["options"] = (options.get("options", "") + " -c jit=off").strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            # Writers take the database lock when the transaction starts, so two writers
            # never deadlock on a lock upgrade ("database is locked").
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channels, Celery, cache ---------------------------------------------------------
# The channel layer: channels-redis's pub/sub layer by default (CHANNEL_LAYER=pubsub), its list
# layer with CHANNEL_LAYER=lists. Each server process's hub subscribes once per lot it serves
# (auctions.realtime.hub); a change is one PUBLISH, which Redis hands to the subscribed
# processes. The list layer costs a process several commands per change sent and two per
# message received (a group's members read, a Lua push per member; a BZPOPMIN and a clean-up
# of its backup): half of Daphne's event loop in the spread scenario, against a quarter with
# pub/sub (docs/benchmarks.md). Pub/sub keeps no message for a subscriber that is away (its
# connection lost, or Redis restarting): the hub's tick reads the lots' heads from the
# database and catches up, as it does for any lost message. A killed process's subscriptions
# end with its connection, so no membership outlives it.
CHANNEL_LAYER = env.str("CHANNEL_LAYER", default="pubsub")
if CHANNEL_LAYER not in ("pubsub", "lists"):
    raise ImproperlyConfigured("CHANNEL_LAYER is pubsub or lists.")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": (
                "channels_redis.pubsub.RedisPubSubChannelLayer"
                if CHANNEL_LAYER == "pubsub"
                else "channels_redis.core.RedisChannelLayer"
            ),
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # The list layer: each open socket's receive holds a connection in a
                        # blocking BZPOPMIN: a pool that raises when empty loses clients in
                        # reconnect storms, so allow many.
                        "max_connections": env.int("REDIS_MAX_CONNECTIONS", default=5000),
                        # redis-py 8 reads with a 5 s timeout by default, the same 5 s that
                        # channels-redis blocks in BZPOPMIN: under load the read times out
                        # and the consumer dies with it. Give the read room.
                        "socket_timeout": 30,
                        "socket_connect_timeout": 10,
                    }
                ],
                **(
                    {}
                    if CHANNEL_LAYER == "pubsub"
                    else {
                        # A group member not renewed for this long is dropped at the next
                        # group send: a killed process's memberships go within the hour
                        # instead of a day. Members that live renew theirs (the hub's ticker,
                        # the notification sockets) every quarter of it
                        # (marketplace.core.layers.renew_seconds).
                        "group_expiry": env.int("CHANNEL_GROUP_EXPIRY_SECONDS", default=3600),
                    }
                ),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker a task runs eagerly, inside the request that sent it. With this set (``make
# run`` sets it), the slow ones sent after a commit (the PDF protocol after an award) run in one
# background thread of the process instead, so the person does not wait for them
# (``marketplace.core.background``).
TASKS_IN_BACKGROUND = env.bool("TASKS_IN_BACKGROUND", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "verification-document-expiry": {
        "task": "marketplace.verification.tasks.check_document_expiry",
        "schedule": 60 * 60,
    },
    "invitations-expire": {
        "task": "marketplace.companies.tasks.expire_invitations",
        "schedule": 60 * 60,
    },
    # Event deliveries whose retry is due, or whose worker died (marketplace/events).
    "events-redeliver-due": {"task": "events.redeliver_due", "schedule": 15},
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": 30},
    # Notifications: "an auction starts in 15 minutes", and the daily e-mail digests.
    "notifications-auction-reminders": {
        "task": "notifications.auction_reminders",
        "schedule": 60,
    },
    "notifications-digests": {
        "task": "notifications.digests",
        "schedule": crontab(hour=6, minute=0),
    },
    # CRM: the reminders of activities whose reminder time has come (crm/reminder_tasks.py).
    "crm-activity-reminders": {"task": "crm.activity_reminders", "schedule": 60},
    # CRM: imports never confirmed (a week) or whose task was lost, ended (crm/import_tasks.py).
    "crm-imports-expire": {"task": "crm.imports_expire", "schedule": 60 * 60},
    # Stripe events recorded but never processed (a lost message): queued again.
    "deals-stripe-events-requeue": {"task": "deals.stripe_events_requeue", "schedule": 10 * 60},
    # Bid securities of winners that let the signing deadline pass (deals/payments/security.py).
    "deals-securities-forfeit-overdue": {
        "task": "deals.securities_forfeit_overdue",
        "schedule": 60 * 60,
    },
    # Supplier ratings: the current and previous periods' scorecards and the standings of every
    # pair with facts, at night (ratings/tasks.py).
    "ratings-recompute-nightly": {
        "task": "ratings.recompute_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
    # The service desk: cases past their first-response or resolution target flagged and
    # escalated (servicedesk/breaches.py).
    "servicedesk-flag-breaches": {"task": "servicedesk.flag_breaches", "schedule": 60},
}
# The outbox (marketplace/events): how long a handed-out delivery is left to its worker before
# it is handed out again, and how many attempts a failing listener gets.
EVENTS_DELIVERY_LEASE_SECONDS = env.int("EVENTS_DELIVERY_LEASE_SECONDS", default=60)
EVENTS_MAX_ATTEMPTS = env.int("EVENTS_MAX_ATTEMPTS", default=10)
# Outgoing webhooks (marketplace/webhooks): private and loopback addresses are always refused
# in production (SSRF), allowed elsewhere unless WEBHOOKS_ALLOW_PRIVATE=0; the CA bundle that
# endpoints' certificates are checked against (default: the system's); the per-call timeout;
# how long a delivery is retried; failed attempts in a row that switch an endpoint off.
WEBHOOKS_ALLOW_PRIVATE = False if PRODUCTION else env.bool("WEBHOOKS_ALLOW_PRIVATE", default=True)
WEBHOOKS_CA_BUNDLE = env.str("WEBHOOKS_CA_BUNDLE", default="") or None
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_RETRY_SECONDS = env.int("WEBHOOKS_RETRY_SECONDS", default=24 * 3600)
WEBHOOKS_DISABLE_AFTER = env.int("WEBHOOKS_DISABLE_AFTER", default=50)

# A service away (PostgreSQL, Redis): the 503's Retry-After, seconds (marketplace/core/outages).
OUTAGE_RETRY_AFTER_SECONDS = env.int("OUTAGE_RETRY_AFTER_SECONDS", default=5)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/home/"  # my home (frontend/dashboard_views.py); a `next` wins
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.users.forms.SignupForm"  # the name, beside them
ACCOUNT_SIGNUP_REDIRECT_URL = "/home/"  # a newcomer's home says how to register a company
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
HEADLESS_ONLY = False
HEADLESS_FRONTEND_URLS = {
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",
    "account_confirm_email": "/accounts/confirm-email/{key}/",
    "account_signup": "/accounts/signup/",
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tradefloor <noreply@tradefloor.local>")
if PRODUCTION:
    EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    vars().update(EMAIL_CONFIG)
# A transactional e-mail provider through django-anymail: ANYMAIL_ESP names it (mailgun,
# postmark, sendgrid, brevo, amazon_ses, ...) and ANYMAIL holds its settings as JSON, e.g.
# {"MAILGUN_API_KEY": "...", "MAILGUN_SENDER_DOMAIN": "mg.example.com"}.
ANYMAIL_ESP = env.str("ANYMAIL_ESP", default="")
ANYMAIL = env.json("ANYMAIL", default={})
if ANYMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
# Marketing's SMS (marketing/sms.py): the console provider (nothing leaves the machine) unless
# MARKETING_SMS names one as JSON, e.g. {"PROVIDER": "twilio", "ACCOUNT_SID": "AC...",
# "AUTH_TOKEN": "...", "FROM": "+15005550006"}.
MARKETING_SMS = env.json("MARKETING_SMS", default={"PROVIDER": "console"})
# The site's address as people reach it, for the links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Open data (OCDS 1.1 release packages of public tenders, auctions.opendata) -------------
# The ocid prefix registered with the Open Contracting Partnership for this publisher
# (https://standard.open-contracting.org/1.1/en/schema/identifiers/); the default marks test data.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-tf0000")
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="Tradefloor")
OCDS_LICENSE = env.str("OCDS_LICENSE", default="https://creativecommons.org/licenses/by/4.0/")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Browser libraries come from npm (package.json; `make` runs `npm ci`) and are served as ours:
# no CDN at run time. Each is mapped under static/vendor/<name>/.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "frontend" / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/uplot", NODE_MODULES / "uplot" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
# Verification documents: never under MEDIA_URL, served only through an authorised view.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        # An app's session from allauth's headless API (`/_allauth/app/v1/`): docs/api/auth.md.
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        # The browsable API, its inline styles allowed on its own pages (marketplace/core).
        "marketplace.core.renderers.CspBrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "marketplace.core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/minute"),
        "user": env.str("THROTTLE_USER", default="2000/minute"),
        "auth": env.str("THROTTLE_AUTH", default="20/minute"),
        "upload": env.str("THROTTLE_UPLOAD", default="60/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# --- Content-Security-Policy (django-csp) -----------------------------------------------------
# Our pages run only scripts and styles served from this site: no inline script, no inline
# style element, no CDN. Websockets go back to the same origin ('self' covers ws/wss there).
# The API documentation views widen this for themselves (marketplace/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tradefloor API",
    "DESCRIPTION": "B2B trading platforms: companies, verification, tenders, live reverse "
    "auctions and CRM.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "NotificationKindEnum": "notifications.models.Kind",
        "CaseStatusEnum": "servicedesk.models.CaseStatus",
        "CaseKindEnum": "servicedesk.models.CaseKind",
        "CasePriorityEnum": "servicedesk.models.Priority",
        "CaseMessageKindEnum": "servicedesk.models.MessageKind",
        "CampaignStatusEnum": "marketing.models.CampaignStatus",
        "CampaignChannelEnum": "marketing.models.Channel",
        "PromotionKindEnum": "pricing.models.PromotionKind",
        "ApprovalModeEnum": "auctions.approval_models.ApprovalMode",
        "ContentLanguageEnum": "marketplace.translation.models.LANGUAGE_CHOICES",
        "PersonLanguageEnum": "marketplace.users.models.LANGUAGE_CHOICES",
        "NotificationChannelEnum": "notifications.models.Channel",
        "NotificationModeEnum": "notifications.models.Mode",
        "MembershipRoleEnum": "marketplace.companies.models.MembershipRole",
        "PriceListKindEnum": "suppliers.models.PriceListKind",
        "PlatformKindEnum": "marketplace.platforms.models.PlatformKind",
        "ParticipationStatusEnum": "marketplace.platforms.models.ParticipationStatus",
        "ParticipationActionEnum": "marketplace.platforms.models.ParticipationAction",
        "AuctionFormatEnum": "marketplace.platforms.models.AuctionFormat",
        "VisibilityEnum": "marketplace.platforms.models.Visibility",
        "CurrencyEnum": "marketplace.core.models.CURRENCIES",
        "VerificationDecisionKindEnum": "marketplace.verification.models.DecisionKind",
        "VerificationSubmissionStatusEnum": "marketplace.verification.models.SubmissionStatus",
        "VerificationDocumentTypeEnum": "marketplace.verification.models.DocumentType",
        "SignatoryBasisEnum": "marketplace.verification.models.SignatoryBasis",
        "TenderStatusEnum": "auctions.models.TenderStatus",
        "LotStatusEnum": "auctions.models.LotStatus",
        "ApplicationStatusEnum": "auctions.models.ApplicationStatus",
        "CrmActivityKindEnum": "crm.models.ActivityKind",
        "OrderStatusEnum": "deals.models.OrderStatus",
        "OrderDocumentKindEnum": "deals.models.DocumentKind",
        "CrmAccountStageEnum": "crm.models.Lifecycle",
        "CrmAccountSegmentEnum": "crm.models.Segment",
        "CrmCustomFieldTypeEnum": "crm.models.CustomFieldType",
        "CrmCustomFieldEntityEnum": "crm.api.accounts_serializers.CustomFieldEntity",
        "CrmImportEntityEnum": "crm.api.accounts_serializers.ImportEntity",
        "CrmImportStatusEnum": "crm.models.ImportStatus",
        "CrmTimelineKindEnum": "crm.models.TimelineKind",
        "CrmTemplateKindEnum": "crm.models.TemplateKind",
        "CrmPipelineKindEnum": "crm.models.PipelineKind",
        # A stage's kind and an opportunity's status: the same choices (open, won, lost).
        "CrmOpenWonLostEnum": "crm.models.StageKind",
        "CrmLeadStatusEnum": "crm.models.LeadStatus",
        "CrmLeadSourceEnum": "crm.models.LeadSource",
        "CrmLostReasonEnum": "crm.models.LostReason",
    },
}

# --- Domain settings ------------------------------------------------------------------------
# Worker processes each websocket server process starts for its bid batches (auctions/
# bid_workers.py); 0 runs them in a thread of the server process (the embedded default).
AUCTION_BID_WORKERS = env.int("AUCTION_BID_WORKERS", default=0)
# The live room's countdown tick (and, with Redis, the database backstop poll), and presence
# across processes (auctions/realtime/presence.py): each process says it lives every
# HEARTBEAT seconds and a process not heard from for DEAD seconds (killed) counts no sockets.
AUCTION_WS_TICK_SECONDS = env.float("AUCTION_WS_TICK_SECONDS", default=5.0)
AUCTION_PRESENCE_HEARTBEAT_SECONDS = env.float("AUCTION_PRESENCE_HEARTBEAT_SECONDS", default=10.0)
AUCTION_PRESENCE_DEAD_SECONDS = env.float("AUCTION_PRESENCE_DEAD_SECONDS", default=30.0)
# How long a websocket server process keeps an API token's user (marketplace/core/ws_tokens.py;
# a revocation reaches every process at once through Redis, so this bounds memory, not safety).
WS_TOKEN_CACHE_SECONDS = env.float("WS_TOKEN_CACHE_SECONDS", default=60.0)
# PostgreSQL connections each websocket server process's event loop keeps for the fixed
# statements a socket reads as it opens (marketplace/core/loop_db.py): no thread per connect.
# 0 sends those reads to the database threads, as on SQLite.
LOOP_DB_CONNECTIONS = env.int("LOOP_DB_CONNECTIONS", default=4)

# Payments (deals/payments): Stripe when a secret key is set, else bank transfers (the
# embedded default). STRIPE_API_BASE points the SDK at another server (localstripe in tests).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")

# Search (docs/search.md): Elasticsearch at this URL when set; else the database answers (the
# embedded default). The database's index is kept either way, to answer when the cluster cannot.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# Its indices are named "<prefix>-tenders-<timestamp>" behind the alias "<prefix>-tenders";
# a call waits ELASTICSEARCH_TIMEOUT seconds and is retried ELASTICSEARCH_MAX_RETRIES times on
# another node before the search falls back to the database. ELASTICSEARCH_REFRESH ("wait_for",
# "true") makes each write visible before it returns (tests against a real cluster);
# ELASTICSEARCH_UKRAINIAN_ANALYZER names the analysis-ukrainian plugin's analyzer ("ukrainian")
# where the cluster has it, instead of our light stem.
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="tradefloor")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)
ELASTICSEARCH_MAX_RETRIES = env.int("ELASTICSEARCH_MAX_RETRIES", default=1)
ELASTICSEARCH_REFRESH = env.str("ELASTICSEARCH_REFRESH", default="false")
ELASTICSEARCH_UKRAINIAN_ANALYZER = env.str("ELASTICSEARCH_UKRAINIAN_ANALYZER", default="")
# --- Tenders in several languages and machine translation (issue 24) ------------------------
# django-parler keeps the other-language versions of a tender's and its lots' texts
# (auctions.version_models); the original stays in the tender's own columns and governs. Its
# cache is off: the readers prefetch the versions, and the tests' rolled-back rows must not
# come back from a cache.
PARLER_LANGUAGES = {
    None: tuple({"code": code} for code, _name in LANGUAGES),
    "default": {"fallbacks": [], "hide_untranslated": True},
}
PARLER_ENABLE_CACHING = False
# Machine translation (marketplace.translation): DeepL through its SDK when DEEPL_AUTH_KEY is
# set (DEEPL_SERVER_URL: another server, e.g. https://api-free.deepl.com for a free key), else
# a self-hosted LibreTranslate at LIBRETRANSLATE_URL (LIBRETRANSLATE_API_KEY where it wants
# one), else none: the original is shown with its language. Each call waits at most
# MACHINE_TRANSLATION_TIMEOUT seconds and is not retried; after a failure nothing is sent for
# MACHINE_TRANSLATION_REST_SECONDS.
DEEPL_AUTH_KEY = env.str("DEEPL_AUTH_KEY", default="")
DEEPL_SERVER_URL = env.str("DEEPL_SERVER_URL", default="")
LIBRETRANSLATE_URL = env.str("LIBRETRANSLATE_URL", default="")
LIBRETRANSLATE_API_KEY = env.str("LIBRETRANSLATE_API_KEY", default="")
MACHINE_TRANSLATION_TIMEOUT = env.float("MACHINE_TRANSLATION_TIMEOUT", default=10.0)
MACHINE_TRANSLATION_REST_SECONDS = env.int("MACHINE_TRANSLATION_REST_SECONDS", default=60)
# --- end of issue 24's languages block ------------------------------------------------------
# The card forms' Stripe.js (frontend/static/frontend/card-payment.js), only where cards are on
# (a secret key set). Stripe's own: the script and its frames from js.stripe.com, 3-D Secure's
# frames from hooks.stripe.com, its calls to api.stripe.com. With STRIPE_API_BASE (localstripe)
# the shim that server serves instead: a script from that origin calling that origin, no frame.
if STRIPE_SECRET_KEY:
    if STRIPE_API_BASE:
        from urllib.parse import urlsplit

        _stripe_base = urlsplit(STRIPE_API_BASE)
        _stripe_origin = f"{_stripe_base.scheme}://{_stripe_base.netloc}"
        _stripe_csp = {"script-src": [_stripe_origin], "connect-src": [_stripe_origin]}
    else:
        _stripe_csp = {
            "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
            "frame-src": [
                "https://js.stripe.com",
                "https://*.js.stripe.com",
                "https://hooks.stripe.com",
            ],
            "connect-src": ["https://api.stripe.com"],
        }
    for _directive, _sources in _stripe_csp.items():
        CONTENT_SECURITY_POLICY["DIRECTIVES"].setdefault(_directive, [csp_constants.SELF])
        CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive].extend(_sources)
# Days a winner has to accept its order's contract before its bid security is forfeited.
BID_SECURITY_SIGN_DAYS = env.int("BID_SECURITY_SIGN_DAYS", default=5)
# The platform's bank details a transfer is made to (JSON: beneficiary, iban, bank, ...).
PAYMENTS_BANK_DETAILS = env.json(
    "PAYMENTS_BANK_DETAILS",
    default={
        "beneficiary": "Tradefloor LLC",
        "iban": "UA213223130000026007233566001",
        "bank": "Demo Bank",
    },
)
# Logistics (logistics/distance.py): a quote's road distance is the great-circle distance times
# LOGISTICS_ROAD_FACTOR, unless LOGISTICS_OSRM_URL names an OSRM server (e.g.
# http://osrm:5000) whose /route/v1/driving/ answer is used instead (the estimate when it fails).
LOGISTICS_ROAD_FACTOR = env.float("LOGISTICS_ROAD_FACTOR", default=1.3)
LOGISTICS_OSRM_URL = env.str("LOGISTICS_OSRM_URL", default="")

INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)
# Companies not registered yet a buyer may invite to its tenders by e-mail in 24 hours (sourcing):
# the sign-up e-mails go to addresses the buyer types, so they are counted.
SOURCING_PROSPECTS_PER_DAY = env.int("SOURCING_PROSPECTS_PER_DAY", default=100)
VERIFICATION_EXPIRY_WARNING_DAYS = env.int("VERIFICATION_EXPIRY_WARNING_DAYS", default=30)
VERIFICATION_DOCUMENT_MAX_BYTES = env.int("VERIFICATION_DOCUMENT_MAX_BYTES", default=10 * 2**20)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
