"""Settings for PEP Portal, read from the environment.

Development is the default so that `make run` needs nothing; `PEP_PORTAL_ENV=production`
turns on every protection `manage.py check --deploy` asks for and refuses to start
without a real secret key.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from pep_portal import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.text("PEP_PORTAL_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env.text("PEP_PORTAL_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise env.ConfigurationError(
        f"PEP_PORTAL_ENV must be development or production, not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"

# Refused in production below; it only ever signs a developer's own sessions.
DEVELOPMENT_KEY = "development-only-key-never-used-in-production-0123456789"
if PRODUCTION:
    SECRET_KEY = env.text("SECRET_KEY")
    if SECRET_KEY == DEVELOPMENT_KEY or len(SECRET_KEY) < 50:
        raise env.ConfigurationError(
            "SECRET_KEY must be a random value of at least 50 characters in production."
        )
else:
    SECRET_KEY = env.text("SECRET_KEY", DEVELOPMENT_KEY)

DEBUG = env.flag("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # Debug pages show settings, code and request data: never on a live service.
    raise env.ConfigurationError("DEBUG must be off when PEP_PORTAL_ENV is production.")

# Only the load test sets this: a production-like server on 127.0.0.1 over plain HTTP.
# It turns off the HTTPS redirect and secure cookies, which `check --deploy` reports.
INSECURE_LOCAL_HTTP = env.flag("PEP_PORTAL_INSECURE_LOCAL_HTTP", False)
ALLOWED_HOSTS = env.words(
    "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
if (
    PRODUCTION
    and INSECURE_LOCAL_HTTP
    and not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost"}
):
    raise env.ConfigurationError(
        "PEP_PORTAL_INSECURE_LOCAL_HTTP is for a server on 127.0.0.1 only: set "
        "ALLOWED_HOSTS to 127.0.0.1 or localhost, or turn the flag off."
    )
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env.text("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "guardian",
    "allauth",
    "allauth.account",
    "axes",
    "simple_history",
    "django_celery_beat",
    "accounts",
    "peps",
    "delegation",
    "quality",
    "reporting",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pep_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pep_portal.middleware.SignedOutPostMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pep_portal.urls"
WSGI_APPLICATION = "pep_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "audit.context_processors.session_timeout",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.text("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env.integer("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Rebuilt by migrations after every flush, so tests that restore serialised data must
# not restore them a second time.
TEST_NON_SERIALIZED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
_DJANGO_VALIDATORS = "django.contrib.auth.password_validation"
_POLICY = "accounts.password_validation"
# The authority's published password policy (process guide, Appendix 1), for everyone.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": f"{_POLICY}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": f"{_POLICY}.ContainsLetterValidator"},
    {"NAME": f"{_POLICY}.AllowedCharactersValidator"},
    {"NAME": f"{_POLICY}.ContainsUpperCaseValidator"},
    {"NAME": f"{_POLICY}.ContainsDigitValidator"},
    {"NAME": f"{_POLICY}.ContainsSpecialCharacterValidator"},
    {"NAME": f"{_POLICY}.NotRecentlyUsedValidator", "OPTIONS": {"history": 8}},
    {"NAME": f"{_DJANGO_VALIDATORS}.UserAttributeSimilarityValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Two-step sign-in for everyone: password, then a code e-mailed at every sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
# Off: it would add a sign-in by e-mailed code alone, skipping the password. The code
# after the password is ACCOUNT_LOGIN_BY_CODE_REQUIRED, which works without it.
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_REQUIRED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "PEP Portal: "
ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.PortalSignupForm",
    "confirm_login_code": "accounts.forms.PortalConfirmLoginCodeForm",
    "confirm_email_verification_code": (
        "accounts.forms.PortalConfirmEmailVerificationCodeForm"
    ),
}
# Eight letters without a dash, so a code reads as one word on its own line.
ALLAUTH_USER_CODE_FORMAT = {"length": 8, "dashed": False}
# A new code may be asked for twice in one sign-in or registration.
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 2
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = 2
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_CHANGE = False
ACCOUNT_LOGIN_TIMEOUT = 15 * 60
# django-axes locks an account or an address after AXES_FAILURE_LIMIT failed passwords;
# allauth's own failed-login limit stays above it as a back-stop.
ACCOUNT_RATE_LIMITS = {  # nosec B105  # rate limits, not passwords
    "login_failed": "20/m/ip,10/5m/key",
    "confirm_email": "1/30s/key",
    "reset_password": "20/m/ip,5/m/key",
}

AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours: a temporary lock-out, not a permanent one
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.adapter.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Idle sessions end after half an hour; every request renews the clock.
SESSION_COOKIE_AGE = env.integer("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts and styles only from the portal's own files: no inline <script>, style=""
# or on…= handler runs, so markup that slips into a page cannot act.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

if PRODUCTION and not INSECURE_LOCAL_HTTP:
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development static files come straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files and published PDFs live outside any web root and are only ever
# served by views that check permissions first.
PRIVATE_STORAGE_ROOT = Path(env.text("PRIVATE_STORAGE_ROOT", str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
MEDIA_URL = "/private-files-are-never-served-directly/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
UPLOAD_MAX_BYTES = env.integer("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_HOST = env.text("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.integer("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.text("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.text("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", True)
else:
    # Development: every message is written to a file a developer can open.
    EMAIL_BACKEND = env.text(
        "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "PEP Portal <pep-portal@localhost>")

REDIS_URL = env.text("REDIS_URL", "")
# Rate limits and lock-outs must be counted across every web process, so with Redis
# they share its cache; the embedded default runs one process, where memory will do.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pep-portal",
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _queue = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.integer("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TASK_ALWAYS_EAGER = env.flag("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ROUTES = {"quality.tasks.*": {"queue": "pdf"}}
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Workers log through LOGGING below (JSON, redacted) instead of Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors are logged, never e-mailed: an error report carries request data.
ADMINS: list[tuple[str, str]] = []
MANAGERS: list[tuple[str, str]] = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "pep_portal.logging.RedactPersonalData"}},
    "formatters": {
        "json": {"()": "pep_portal.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if PRODUCTION else "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default handlers, which e-mail errors to ADMINS.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
