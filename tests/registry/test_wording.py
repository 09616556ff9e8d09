"""The one Russian wording module: plurals, days left, the region's time named by its city, typed numbers."""
from datetime import UTC, datetime

import pytest

from registry.core.web import format_count
from registry.core.wording import count_ru, days_left_text, input_number, parse_number, plural_ru, zone_phrase


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 строка"), (2, "2 строки"), (4, "4 строки"), (5, "5 строк"), (11, "11 строк"), (12, "12 строк"),
    (14, "14 строк"), (21, "21 строка"), (22, "22 строки"), (25, "25 строк"), (101, "101 строка"), (111, "111 строк"),
    (0, "0 строк"),
])
def test_plurals(n, expected):
    assert count_ru(n, "строка", "строки", "строк") == expected
    assert plural_ru(-n, "строка", "строки", "строк") == expected.split()[1]


def test_a_count_on_a_page_groups_thousands_and_agrees_with_its_noun():
    assert format_count(1021, "строку", "строки", "строк") == "1\u00a0021 строку"
    assert format_count(2, "строку", "строки", "строк") == "2 строки"


def test_days_left_in_local_calendar_days():
    deadline = datetime(2026, 10, 20, 14, 0, tzinfo=UTC)  # 21 October 00:00 in Vladivostok: the last day is the 20th
    tz = "Asia/Vladivostok"
    assert days_left_text(deadline, tz, datetime(2026, 10, 15, 0, 0, tzinfo=UTC)) == "осталось 5 дней"
    assert days_left_text(deadline, tz, datetime(2026, 9, 29, 0, 0, tzinfo=UTC)) == "остался 21 день"
    assert days_left_text(deadline, tz, datetime(2026, 10, 18, 0, 0, tzinfo=UTC)) == "осталось 2 дня"
    assert days_left_text(deadline, tz, datetime(2026, 10, 20, 1, 0, tzinfo=UTC)) == "сегодня последний день"
    assert days_left_text(deadline, tz, deadline) == "срок прошёл"


@pytest.mark.parametrize(("zone", "expected"), [
    ("Asia/Vladivostok", "по времени Владивостока"), ("Asia/Khabarovsk", "по времени Хабаровска"),
    ("Europe/Moscow", "по времени Москвы"), ("Asia/Kamchatka", "по времени Камчатки"),
    ("Asia/Tokyo", "по времени UTC+9"), ("UTC", "по времени UTC"),
])
def test_the_region_time_is_named_by_its_city_never_by_the_zone_id(zone, expected):
    assert zone_phrase(zone) == expected


def test_numbers_are_typed_and_shown_back_with_a_comma():
    assert parse_number("95,5") == 95.5 and parse_number("1 000,25") == 1000.25 and parse_number("12.5") == 12.5
    assert input_number(95.5) == "95,5" and input_number(100.0) == "100" and input_number(None) == ""
    with pytest.raises(ValueError, match="could not convert"):
        parse_number("девяносто")
