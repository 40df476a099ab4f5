"""Read configuration from the environment, failing fast with the variable's name."""

from __future__ import annotations

import os


class ConfigurationError(RuntimeError):
    """A setting in the environment is missing or malformed."""


def text(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigurationError(f"Set the environment variable {name}.")
        return default
    return value


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a whole number, not {value!r}."
        ) from None


def words(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in text(name, default).split(",") if item.strip()]
