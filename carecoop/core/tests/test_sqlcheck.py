"""The check of routing by cooperative finds what a database sharded by cooperative cannot route."""

import pytest

from carecoop.sqlcheck import problems, tenant_tables

TENANT = {"care_enrolment", "members_person", "members_household"}


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        (
            'SELECT 1 FROM "care_enrolment" INNER JOIN "members_person" ON '
            '("care_enrolment"."child_id" = "members_person"."id" AND '
            '("members_person"."coop_id" = ("care_enrolment"."coop_id")))',
            [],
        ),
        (
            'SELECT 1 FROM "care_enrolment" INNER JOIN "members_person" ON '
            '("care_enrolment"."child_id" = "members_person"."id")',
            ["JOIN members_person to care_enrolment without equal cooperatives"],
        ),
        (  # aliases, a left join, and a second join whose own condition is missing
            'SELECT 1 FROM "care_enrolment" U1 LEFT OUTER JOIN "members_person" U2 ON '
            '(U1."child_id" = U2."id" AND U2."coop_id" = U1."coop_id") INNER JOIN '
            '"members_household" U3 ON (U2."household_id" = U3."id") WHERE U1."id" = %s',
            ["JOIN members_household to members_person without equal cooperatives"],
        ),
        (  # a table no cooperative owns needs nothing
            'SELECT 1 FROM "care_enrolment" INNER JOIN "tenancy_organisation" ON '
            '("care_enrolment"."coop_id" = "tenancy_organisation"."id")',
            [],
        ),
        (
            'UPDATE "members_person" SET "phone" = %s WHERE "members_person"."id" = %s',
            ["UPDATE members_person without its cooperative"],
        ),
        (
            'UPDATE "members_person" SET "phone" = %s WHERE ("members_person"."coop_id" = %s '
            'AND "members_person"."id" = %s)',
            [],
        ),
        (
            'DELETE FROM "members_person" WHERE "members_person"."id" IN (%s, %s)',
            ["DELETE members_person without its cooperative"],
        ),
        ('DELETE FROM "members_person" WHERE "coop_id" = %s AND "id" IN (%s)', []),
        (
            'SELECT "x" FROM "members_person" WHERE "members_person"."id" = %s LIMIT 21',
            ["LOOKUP members_person by id without its cooperative"],
        ),
        (
            'SELECT "x" FROM "members_person" U0 WHERE (U0."coop_id" = %s AND U0."id" IN (%s))',
            [],
        ),
        (  # the subquery of an exclude(), within the outer row's cooperative
            'SELECT 1 FROM "members_person" WHERE NOT (EXISTS(SELECT 1 AS "a" FROM '
            '"care_enrolment" U1 WHERE (U1."child_id" = ("members_person"."id") AND '
            'U1."coop_id" = ("members_person"."coop_id")) LIMIT 1))',
            [],
        ),
        (
            'SELECT 1 FROM "members_person" WHERE NOT (EXISTS(SELECT 1 AS "a" FROM '
            '"care_enrolment" U1 WHERE U1."child_id" = ("members_person"."id") LIMIT 1))',
            ["SUBQUERY care_enrolment in members_person without its cooperative"],
        ),
        (  # an IN subquery, given its cooperative
            'SELECT 1 FROM "members_person" WHERE "members_person"."id" IN (SELECT U0."child_id" '
            'FROM "care_enrolment" U0 WHERE U0."coop_id" = %s)',
            [],
        ),
        (
            'SELECT 1 FROM "members_person" WHERE "members_person"."id" IN (SELECT U0."child_id" '
            'FROM "care_enrolment" U0 WHERE U0."days" = %s)',
            ["SUBQUERY care_enrolment in members_person without its cooperative"],
        ),
        (  # a subquery under a global table's rows: theirs to route, not a cooperative's
            'SELECT 1 FROM "tenancy_role" WHERE "tenancy_role"."id" IN (SELECT U0."role_id" '
            'FROM "care_enrolment" U0)',
            [],
        ),
        ("UPDATE some_other_table SET x = 1 WHERE id = 2", []),
        ("SELECT 1 FROM t WHERE x LIKE '%%a%%' AND y = %s", []),
        ("PRAGMA foreign_keys = ON", []),  # not PostgreSQL's: not checked
    ],
)
def test_each_kind_of_statement_is_told_routable_or_not(sql, found):
    assert problems(sql, TENANT) == found


def test_the_tables_of_a_cooperative_s_rows_are_those_with_its_key():
    tables = tenant_tables()
    assert {"members_person", "care_enrolment", "members_historicalperson"} <= tables
    assert not {"tenancy_organisation", "auth_user", "django_session"} & tables
