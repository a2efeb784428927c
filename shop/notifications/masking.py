"""Masks personal data before it reaches a log line: logs never hold full addresses or phones."""


def mask_email(address: str) -> str:
    """alice@example.com -> a***@example.com; anything not an address -> ***."""
    local, at, domain = (address or "").strip().partition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_phone(number: str) -> str:
    """+86 138 0013 8000 -> ***8000 (the last four digits only)."""
    digits = [char for char in number or "" if char.isdigit()]
    if len(digits) < 4:
        return "***"
    return "***" + "".join(digits[-4:])


def mask_recipient(recipient: str) -> str:
    return mask_email(recipient) if "@" in (recipient or "") else mask_phone(recipient)
