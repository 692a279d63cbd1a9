"""The one way a form chooses a person, a member, a household, a child or a staff member: a
search picker, never a list of every row.

Validation is a lookup by primary key in the field's scoped queryset, as for any model choice.
Rendering never reads the queryset whole: it shows the chosen row(s) (read by their key), a search
box and the results of the current search (at most ``LIMIT``), as radios or checkboxes that carry
the field's own name. With JavaScript, typing in the box fetches the results from ``url`` (a search
endpoint of the app that owns the rows); without it, the box's "Find" button posts the form with
``PICK`` and the form page shows the same form again, unsaved and without errors, with the results
of the search (``core.views.form_page``; ``form_action`` sends the search back to its page, which
hands it to ``searching``)."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import Model, QuerySet
from django.forms.utils import ErrorDict

# The name of the "Find" button; its value is the name of the field searched.
PICK = "_pick"
# The most results a search shows.
LIMIT = 10
# Longest search text read.
QUERY_MAX = 100

Search = Callable[[str], Iterable[Model]]


def query_of(data: Mapping[str, Any], name: str) -> str:
    """The search typed into the picker ``name``'s box. A NUL cannot be typed and no column can
    hold one, so it is dropped (a form sent with a file is not checked at the door, core.nul)."""
    return str(data.get(f"{name}-q") or "").replace("\x00", "").strip()[:QUERY_MAX]


class Picker(forms.Widget):
    """Chosen row, search box, results: radios (``multiple``: checkboxes) named as the field."""

    template_name = "core/picker.html"
    multiple = False

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.field: PickerMixin | None = None
        self.query = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.query = query_of(data, name)
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        keys = _keys(value)
        field = self.field
        chosen = field.labelled(field.chosen(keys)) if field and keys else []
        shown = {key for key, _label in chosen}
        results = []
        if field and (self.query or field.browse):
            results = [row for row in field.labelled(field.find(self.query)) if row[0] not in shown]
        context["widget"].update(
            {
                "chosen": chosen,
                "results": results,
                "query": self.query,
                "url": _search_url(field.url if field else "", name, self.multiple),
                "input_type": "checkbox" if self.multiple else "radio",
                "multiple": self.multiple,
                "searched": bool(self.query),
                "more": len(results) >= LIMIT,
                "hint": field.hint if field else "",
            }
        )
        return context


class PickerMultiple(Picker):
    multiple = True


def _search_url(url: str, name: str, multiple: bool) -> str:
    if not url:
        return ""
    params = {"field": name, **({"many": "1"} if multiple else {})}
    return url + ("&" if "?" in url else "?") + urlencode(params)


# The largest key a row can have (a 64-bit column); a longer number is no key, and SQLite refuses
# to compare with it.
KEY_MAX = 2**63 - 1


def _keys(value: Any) -> list[str]:
    if value in (None, "", [], ()):
        return []
    values = value if isinstance(value, list | tuple) else [value]
    keys = [str(v) for v in values]
    return [k for k in keys if k.isascii() and k.isdigit() and int(k) <= KEY_MAX]


class PickerMixin:
    """What both picker fields share: where to search, how to search, how to name a row."""

    queryset: QuerySet[Any]
    widget: Any  # a Picker once the field is made (the class names the type)

    url = ""
    search: Search | None = None
    labeller: Callable[[Any], str] = str
    hint: Any = ""
    browse = False

    def offer(
        self,
        queryset: QuerySet[Any],
        *,
        url: str,
        search: Search,
        label: Callable[[Any], str],
        hint: Any = "",
        browse: bool = False,
    ) -> None:
        """Accept a key of ``queryset``; search with ``search`` (here, without JavaScript) and at
        ``url`` (with it); name each row with ``label``."""
        self.queryset = queryset
        self.url = url
        self.search = search
        self.labeller = label
        self.hint = hint
        self.browse = browse
        self.widget.field = self

    def label_from_instance(self, obj: Any) -> str:
        return self.labeller(obj)

    def chosen(self, keys: list[str]) -> Iterable[Model]:
        """The chosen rows, read by their keys only."""
        return self.queryset.filter(pk__in=keys)[: len(keys)]

    def find(self, query: str) -> Iterable[Model]:
        return list(self.search(query))[:LIMIT] if self.search else []

    def labelled(self, rows: Iterable[Model]) -> list[tuple[str, str]]:
        return [(str(row.pk), self.labeller(row)) for row in rows]


class PickerField(PickerMixin, forms.ModelChoiceField):  # type: ignore[misc]
    """Choose one row by searching; until ``offer`` is called nothing is accepted."""

    widget = Picker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", None)
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)
        self.widget.field = None


class PickerMultipleField(PickerMixin, forms.ModelMultipleChoiceField):  # type: ignore[misc]
    """Choose several rows by searching; the chosen stay ticked while searching for more."""

    widget = PickerMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)
        self.widget.field = None

    def _check_values(self, value: Any) -> Any:
        # Django looks the keys up together with ``pk__in``, which SQLite cannot compare with a
        # number beyond 64 bits: such a number is refused as no key, as any other text is.
        for pk in value:
            text = str(pk)
            if text.isascii() and text.isdigit() and int(text) > KEY_MAX:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


def searching(form: forms.BaseForm, data: Mapping[str, Any]) -> forms.BaseForm:
    """Show in ``form``'s pickers the results of the searches in ``data`` (an unbound form
    shown on a page whose own form posts elsewhere: the search comes back in the address)."""
    for name, field in form.fields.items():
        if isinstance(field, PickerMixin):
            field.widget.query = query_of(data, form.add_prefix(name))
    return form


def unchecked(form: forms.BaseForm) -> forms.BaseForm:
    """``form`` as sent, shown again without validating it: a search step, not a submission."""
    # Django reads a form's errors from here and validates only while it is None.
    cast(Any, form)._errors = ErrorDict()
    return form


def pick_of(data: Mapping[str, Any]) -> str:
    """The field a "Find" button searched, or "" for an ordinary submission."""
    return str(data.get(PICK) or "")
