"""Russian wording shared by every page, e-mail and document: plurals, days left, the region's time.

One implementation of each, so a count or a deadline reads the same everywhere.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for n: 1 день, 2 дня, 5 дней."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count_ru(n: int, one: str, few: str, many: str) -> str:
    """A count with its noun: «1 строка», «2 строки», «5 строк»."""
    return f"{n} {plural_ru(n, one, few, many)}"


def days_left_text(deadline: datetime, tz: str, now: datetime) -> str:
    """«осталось 5 дней», «остался 21 день», «сегодня последний день», «срок прошёл» — in local calendar days.

    A window closing at local midnight belongs to the day before (its last day).
    """
    if now >= deadline:
        return "срок прошёл"
    zone = ZoneInfo(tz)
    last_day = (deadline.astimezone(zone) - timedelta(seconds=1)).date()
    days = (last_day - now.astimezone(zone).date()).days
    if days <= 0:
        return "сегодня последний день"
    return f"{plural_ru(days, 'остался', 'осталось', 'осталось')} {count_ru(days, 'день', 'дня', 'дней')}"


#: Russian IANA zones → the city in the genitive («по времени Владивостока»).
_ZONE_CITIES = {
    "Europe/Kaliningrad": "Калининграда", "Europe/Moscow": "Москвы", "Europe/Simferopol": "Симферополя",
    "Europe/Kirov": "Кирова", "Europe/Volgograd": "Волгограда", "Europe/Astrakhan": "Астрахани",
    "Europe/Saratov": "Саратова", "Europe/Ulyanovsk": "Ульяновска", "Europe/Samara": "Самары",
    "Asia/Yekaterinburg": "Екатеринбурга", "Asia/Omsk": "Омска", "Asia/Novosibirsk": "Новосибирска",
    "Asia/Barnaul": "Барнаула", "Asia/Tomsk": "Томска", "Asia/Novokuznetsk": "Новокузнецка",
    "Asia/Krasnoyarsk": "Красноярска", "Asia/Irkutsk": "Иркутска", "Asia/Chita": "Читы",
    "Asia/Yakutsk": "Якутска", "Asia/Khandyga": "Хандыги", "Asia/Vladivostok": "Владивостока",
    "Asia/Ust-Nera": "Усть-Неры", "Asia/Khabarovsk": "Хабаровска", "Asia/Sakhalin": "Сахалина",
    "Asia/Magadan": "Магадана", "Asia/Srednekolymsk": "Среднеколымска", "Asia/Kamchatka": "Камчатки",
    "Asia/Anadyr": "Анадыря",
}


def zone_phrase(tz: str | None) -> str:
    """«по времени Владивостока» for the region's zone; never the raw IANA name.

    A zone outside Russia's list is named by its UTC offset today («по времени UTC+10»).
    """
    if not tz or tz == "UTC":
        return "по времени UTC"
    city = _ZONE_CITIES.get(tz)
    if city:
        return f"по времени {city}"
    offset = datetime.now(ZoneInfo(tz)).utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()) // 60, 60)
    sign = "+" if offset >= timedelta(0) else "−"
    return f"по времени UTC{sign}{abs(hours)}" + (f":{rest:02d}" if rest else "")


def input_number(value) -> str:
    """A number as a person types it back into a field: «95,5», «125» (no grouping; decimal comma)."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.10g}".replace(".", ",")


def parse_number(text: str) -> float:
    """Read a typed number: a decimal comma or point, spaces (also no-break) as thousands separators.

    Raises ValueError on anything else.
    """
    cleaned = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    return float(cleaned)
