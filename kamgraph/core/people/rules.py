"""Contact data rules (DOMAIN.md section 2, "Person"): phone and e-mail formats."""

from __future__ import annotations

import re

CHINESE_MOBILE = re.compile(r"1[3-9]\d{9}")
E164 = re.compile(r"\+[1-9]\d{6,14}")
EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def normalize_phone(phone: str) -> str:
    """Drop spaces and hyphens people type between digit groups."""
    return re.sub(r"[\s-]", "", phone)


def phone_problem(phone: str) -> str | None:
    if CHINESE_MOBILE.fullmatch(phone) or E164.fullmatch(phone):
        return None
    return f"{phone!r} is neither a Chinese mobile number (1[3-9] and 9 digits) nor E.164 (+ and 7-15 digits)"


def email_problem(email: str) -> str | None:
    if len(email) <= 254 and EMAIL.fullmatch(email):
        return None
    return f"{email!r} is not an e-mail address"
