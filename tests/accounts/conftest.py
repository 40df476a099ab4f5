from django.conf import settings

# The project's settings module configures Django when it is in use; these tests only
# need a fast hasher, so they run with `-p no:django` until then.
if not settings.configured:
    settings.configure(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
