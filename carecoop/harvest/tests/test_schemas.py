"""The shipped schemas are schemas, and the Murmurations one written out in one file says what
the published one with its fields says."""

import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
MURMURATIONS = SCHEMAS / "murmurations"


@pytest.mark.parametrize("path", sorted((SCHEMAS / "hsds").glob("*.json")), ids=lambda p: p.name)
def test_each_hsds_schema_is_a_json_schema(path):
    if path.name != "openapi.json":
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def _published() -> jsonschema.Draft7Validator:
    fields = Registry().with_resources(
        (
            f"https://test-library.murmurations.network/v2/fields/{p.name}",
            Resource.from_contents(json.loads(p.read_text()), DRAFT7),
        )
        for p in (MURMURATIONS / "fields").glob("*.json")
    )
    schema = json.loads((MURMURATIONS / "schemas" / "organizations_schema-v1.0.0.json").read_text())
    return jsonschema.Draft7Validator(schema, registry=fields)


PROFILES = [
    {"linked_schemas": ["organizations_schema-v1.0.0"], "name": "Cooperativa Mãos Unidas"},
    {
        "linked_schemas": ["organizations_schema-v1.0.0"],
        "name": "SEWA creche",
        "primary_url": "https://sewa.example.org",
        "country_iso_3166": "IN",
        "geolocation": {"lat": 23.02, "lon": 72.57},
        "tags": ["childcare", "cooperative"],
    },
    {"linked_schemas": ["organizations_schema-v1.0.0"]},
    {"linked_schemas": ["organizations_schema-v1.0.0"], "name": "x", "geolocation": {"lat": 91}},
    {"linked_schemas": [], "name": "x", "country_iso_3166": "XX"},
    {"name": 7, "tags": "childcare"},
]


def test_the_murmurations_schema_in_one_file_judges_as_the_published_one():
    standalone_schema = json.loads((MURMURATIONS / "organizations_schema-v1.0.0.json").read_text())
    assert "$ref" not in json.dumps(standalone_schema)
    jsonschema.Draft7Validator.check_schema(standalone_schema)
    standalone = jsonschema.Draft7Validator(standalone_schema)
    published = _published()
    verdicts = [
        sorted(e.message for e in standalone.iter_errors(p))
        == sorted(e.message for e in published.iter_errors(p))
        for p in PROFILES
    ]
    assert verdicts == [True] * len(PROFILES)
    assert [standalone.is_valid(p) for p in PROFILES] == [True, True, False, False, False, False]
