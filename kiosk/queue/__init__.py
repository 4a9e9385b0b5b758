"""Queue numbers at the kiosk (取号): choose a service, take a number, hear the calls, rate the service."""


def grouped(phone: str) -> str:
    """138 0013 8000: a mobile number as people read it (the phone screen's .kv shows it so)."""
    return " ".join(part for part in (phone[:3], phone[3:7], phone[7:]) if part)
