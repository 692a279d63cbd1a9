"""The apps are layers, in the order of INSTALLED_APPS: an app imports, and its models point to,
only the apps listed before it. A lower app that needs something of a higher one is given it by
name (settings ``CARECOOP_ACCESS_FOR``, ``CARECOOP_SHARE_HOLDINGS``)."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

import carecoop

ROOT = Path(carecoop.__file__).parent
LAYERS = [a.removeprefix("carecoop.") for a in settings.INSTALLED_APPS if a.startswith("carecoop.")]

# Relations that point up, each with its reason. The cooperative key every tenant row carries
# (``coop``, declared once by core.CoopOwned) is the tenancy itself and is not listed.
UPWARD_RELATIONS = {
    # A member's role names the person she is, to see her own household: the role is granted by
    # tenancy, the person kept by members. The link is read by that person's id alone.
    "tenancy.RolePerson.person": "a member's role names her person",
}


def _layer(app: str) -> int:
    return LAYERS.index(app)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def test_the_layers_name_every_app():
    on_disk = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert on_disk == set(LAYERS)


def test_no_app_imports_a_higher_one():
    upward = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).parts
            if parts[0] in ("tests", "migrations"):
                continue
            for line, module in _imports(path):
                names = module.split(".")
                if names[0] != "carecoop" or len(names) < 2 or names[1] not in LAYERS:
                    continue
                if _layer(names[1]) > _layer(app):
                    upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert upward == []


def test_no_model_points_to_a_higher_app():
    upward = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in LAYERS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.name == "coop":
                continue
            target = field.related_model._meta.app_label
            name = f"{app}.{model.__name__}.{field.name}"
            if target in LAYERS and _layer(target) > _layer(app) and name not in UPWARD_RELATIONS:
                upward.append(f"{name} points to {target}")
    assert upward == []


def test_every_allowed_upward_relation_still_exists():
    for name in UPWARD_RELATIONS:
        app, model, field = name.split(".")
        assert apps.get_model(app, model)._meta.get_field(field).is_relation
