"""Queries a database sharded by cooperative (Citus) can route: a row is updated where its
cooperative and its id say, its cooperative is never written again, and a join between two of a
cooperative's rows asks their cooperatives to be equal."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from carecoop.care.models import ChildProfile, Enrolment
from carecoop.core.keys import owned_model
from carecoop.core.models import _CoopLink
from carecoop.core.services import tables_analyze
from carecoop.members.models import Person
from carecoop.members.tests.factories import PersonFactory
from carecoop.sqlcheck import problems, tenant_tables
from carecoop.staffing.models import Staff
from carecoop.staffing.tests.factories import StaffFactory
from carecoop.tenancy.models import Role, RoleCentre


def _updates(captured, table):
    return [q["sql"] for q in captured if q["sql"].startswith(f'UPDATE "{table}"')]


def test_saving_a_row_updates_it_by_cooperative_and_id_and_never_sets_its_cooperative(db):
    staff = StaffFactory.create(hours_per_week=20)
    staff.hours_per_week = 30
    with CaptureQueriesContext(connection) as captured:
        staff.save()
    (sql,) = _updates(captured, "staffing_staff")
    assert '"coop_id"' not in sql.split(" WHERE ")[0]
    where = sql.split(" WHERE ")[1]
    assert '"staffing_staff"."coop_id" = ' in where and '"staffing_staff"."id" = ' in where
    staff.refresh_from_db()
    assert staff.hours_per_week == 30


def test_only_the_fields_named_are_written_and_the_cooperative_alone_writes_nothing(db):
    staff = StaffFactory.create(hours_per_week=20)
    with CaptureQueriesContext(connection) as captured:
        staff.save(update_fields=["hours_per_week"])
        staff.save(update_fields=["coop"])
    assert len(_updates(captured, "staffing_staff")) == 1


def test_a_row_set_to_another_cooperative_is_refused_not_moved(world):
    person = Person._base_manager.get(coop=world.home, pk=world.person.pk)
    person.coop = world.other
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()
    assert Person._base_manager.filter(coop=world.home, pk=person.pk).exists()
    assert not Person._base_manager.filter(coop=world.other, pk=person.pk).exists()


def _on(sql, table):
    """The condition of the join to ``table``."""
    return sql.split(f'JOIN "{table}" ON ')[1].split(" JOIN ")[0].split(" WHERE ")[0]


@pytest.fixture
def coop_joins(settings):
    settings.CARECOOP_COOP_JOINS = True


def test_joins_ask_for_equal_cooperatives_only_when_asked_to(settings):
    settings.CARECOOP_COOP_JOINS = False
    sql = str(Enrolment._base_manager.filter(child__household__name="x").query)
    assert 'coop_id" = (' not in _on(sql, "members_person")


def test_a_join_between_a_cooperative_s_rows_asks_their_cooperatives_to_be_equal(coop_joins):
    sql = str(
        Enrolment._base_manager.filter(child__household__name="x").values("child__given_name").query
    )
    assert '"members_person"."coop_id" = ("care_enrolment"."coop_id")' in _on(sql, "members_person")
    assert '"members_household"."coop_id" = ("members_person"."coop_id")' in _on(
        sql, "members_household"
    )
    # Followed the other way, from a person to her enrolments, too.
    sql = str(Person._base_manager.filter(enrolments__isnull=True).query)
    assert '"members_person"."coop_id" = ("care_enrolment"."coop_id")' in _on(sql, "care_enrolment")
    # A link to a row no cooperative owns joins on the key alone.
    sql = str(Enrolment._base_manager.filter(coop__slug="x").query)
    assert 'coop_id" = (' not in _on(sql, "tenancy_organisation")


def test_every_link_between_a_cooperative_s_rows_joins_within_the_cooperative():
    plain = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and owned_model(model)
        and owned_model(field.related_model)
        and not isinstance(field, _CoopLink)
    ]
    assert not plain, f"declare these with CoopForeignKey or CoopOneToOneField: {plain}"


def test_the_links_are_django_s_own_fields_in_migrations():
    path = Enrolment._meta.get_field("child").deconstruct()[1]
    assert path == "django.db.models.ForeignKey"
    assert (
        ChildProfile._meta.get_field("child").deconstruct()[1] == "django.db.models.OneToOneField"
    )


def test_the_subquery_of_an_exclude_keeps_to_the_outer_row_s_cooperative(creche, coop_joins):
    centre = Enrolment._base_manager.order_by("pk").first().centre
    people = Person._base_manager.exclude(enrolments__centre=centre)
    sql = str(people.query)
    assert 'U1."coop_id" = ("members_person"."coop_id")' in sql.split("EXISTS(")[1]
    enrolled = set(Enrolment._base_manager.filter(centre=centre).values_list("child_id", flat=True))
    assert enrolled
    assert set(people.values_list("pk", flat=True)) == (
        set(Person._base_manager.values_list("pk", flat=True)) - enrolled
    )


def test_an_exclude_from_global_rows_joins_the_cooperative_s_rows_within_it(world, coop_joins):
    roles = Role.objects.exclude(centres__code=world.centre.code)
    inner = str(roles.query).split("EXISTS(")[1]
    assert 'U2."coop_id" = (U1."coop_id")' in inner
    facilitators = set(
        RoleCentre._base_manager.filter(centre=world.centre).values_list("role_id", flat=True)
    )
    assert facilitators
    assert set(roles.values_list("pk", flat=True)) == (
        set(Role.objects.values_list("pk", flat=True)) - facilitators
    )


@pytest.mark.parametrize("how", ["row", "rows"])
def test_deleting_a_row_clears_the_links_to_it_within_its_cooperative(db, how):
    staff = StaffFactory.create()
    person = PersonFactory.create(coop=staff.coop)
    staff.person = person
    staff.save()
    with CaptureQueriesContext(connection) as captured:
        person.delete() if how == "row" else Person.rows.filter(
            coop=staff.coop, pk=person.pk
        ).delete()
    (sql,) = _updates(captured, "staffing_staff")
    assert '"staffing_staff"."coop_id" IN ' in sql.split(" WHERE ")[1]
    staff.refresh_from_db()
    assert staff.person_id is None
    assert not Person._base_manager.filter(coop=staff.coop, pk=person.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("how", ["row", "rows", "scoped"])
def test_every_statement_of_a_deletion_names_the_cooperative(db, how):
    """Django deletes and clears links by id alone; on PostgreSQL, each statement names the
    cooperative too (``core.postgresql.compiler``)."""
    staff = StaffFactory.create()
    people = PersonFactory.create_batch(2, coop=staff.coop)
    staff.person = people[0]
    staff.save()
    with CaptureQueriesContext(connection) as captured:
        if how == "row":
            people[0].delete()
        elif how == "rows":
            Person.rows.filter(coop=staff.coop, pk__in=[p.pk for p in people]).delete()
        else:
            with scope(coop=staff.coop):
                Person.objects.filter(pk__in=[p.pk for p in people]).delete()
    written = [q["sql"] for q in captured if q["sql"].startswith(("DELETE", "UPDATE"))]
    assert any(sql.startswith('DELETE FROM "members_person"') for sql in written)
    tenant = tenant_tables()
    assert [problem for sql in written for problem in problems(sql, tenant)] == []
    staff.refresh_from_db()
    assert staff.person_id is None


def test_rows_prefetched_along_a_link_are_read_by_cooperative_and_id(db):
    staff = StaffFactory.create_batch(2)
    with CaptureQueriesContext(connection) as captured:
        fetched = list(
            Staff._base_manager.filter(
                coop__in=[s.coop for s in staff], pk__in=[s.pk for s in staff]
            ).prefetch_related("centre")
        )
    assert {s.centre for s in fetched} == {s.centre for s in staff}
    (sql,) = [q["sql"] for q in captured if 'FROM "care_centre"' in q["sql"]]
    assert '"care_centre"."coop_id" IN ' in sql


@pytest.mark.postgres
def test_a_deletion_of_a_global_row_reaches_every_cooperative_s_rows(world):
    """A role is no cooperative's: deleting it removes its links in every cooperative."""
    role = RoleCentre._base_manager.get(coop=world.home, centre=world.centre).role
    centres = RoleCentre._base_manager.filter(role=role)
    assert centres.exists()
    role.delete()
    assert not centres.exists()


@pytest.mark.postgres
def test_tables_filled_in_bulk_get_fresh_statistics(db):
    StaffFactory.create_batch(3)
    tables_analyze(Staff)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'staffing_staff'")
        (estimate,) = cursor.fetchone()
    assert estimate == Staff._base_manager.count()
