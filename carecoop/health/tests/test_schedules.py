import datetime

from carecoop.health import schedules

BORN = datetime.date(2026, 1, 1)


def test_both_country_schedules_load_and_chain_correctly():
    loaded = schedules.schedules()
    assert set(loaded) >= {"IN", "BR"}
    for schedule in loaded.values():
        codes = {d.code for d in schedule.doses}
        for dose in schedule.doses:
            assert not dose.after or dose.after in codes, dose.code
            assert dose.min_age_days <= dose.max_age_days


def test_due_overdue_and_waiting_on_a_day():
    uip = schedules.schedule_for("IN")
    states = {
        s.dose.code: s
        for s in schedules.statuses(uip, BORN, {"bcg": BORN}, BORN + datetime.timedelta(days=50))
    }
    assert states["bcg"].status == "given"
    assert states["penta-1"].status == "due"  # Due at 6 weeks (42 days), within its 28 days.
    assert states["penta-2"].status == "waiting"  # After the first dose.
    assert states["hepb-0"].status == "missed"  # The birth dose is given within a day.
    assert states["mr-1"].status == "upcoming"
    later = {
        s.dose.code: s
        for s in schedules.statuses(uip, BORN, {}, BORN + datetime.timedelta(days=90))
    }
    assert later["penta-1"].status == "overdue"


def test_a_series_waits_for_its_interval():
    uip = schedules.schedule_for("IN")
    given = {"penta-1": BORN + datetime.timedelta(days=60)}
    states = {
        s.dose.code: s
        for s in schedules.statuses(uip, BORN, given, BORN + datetime.timedelta(days=75))
    }
    assert states["penta-2"].status == "upcoming"
    assert states["penta-2"].due_on == BORN + datetime.timedelta(days=88)


def test_doses_too_young_or_too_soon_are_refused():
    pni = schedules.schedule_for("BR")
    penta1, penta2 = pni.dose("penta-1"), pni.dose("penta-2")
    assert "42 days of age" in schedules.refusal(
        pni, penta1, BORN, {}, BORN + datetime.timedelta(days=20)
    )
    assert "Record" in schedules.refusal(pni, penta2, BORN, {}, BORN + datetime.timedelta(days=120))
    given = {"penta-1": BORN + datetime.timedelta(days=61)}
    assert "at least 30 days" in schedules.refusal(
        pni, penta2, BORN, given, BORN + datetime.timedelta(days=80)
    )
    assert schedules.refusal(pni, penta2, BORN, given, BORN + datetime.timedelta(days=122)) is None
