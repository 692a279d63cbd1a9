"""The tenant-owned base model: every row a cooperative owns carries its key."""

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, models, router
from django.db.models.deletion import Collector
from django.db.models.expressions import Col, ResolvedOuterRef
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
)
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from carecoop.core.keys import deleting, owned_model


class _OuterCoop(ResolvedOuterRef):
    """The cooperative of the outer query's row, in the subquery of an exclude(); the inner row's
    own when the outer rows have none (a global row, such as a role, that links to a
    cooperative's row), which leaves the condition always true."""

    def __init__(self, own: Col) -> None:
        super().__init__("coop")
        self.own = own

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().resolve_expression(*args, **kwargs)
        except FieldError:
            return self.own

    def relabeled_clone(self, relabels: Any) -> "_OuterCoop":
        return _OuterCoop(self.own.relabeled_clone(relabels))


class _CoopLink:
    """A link from one cooperative's row to another of its rows. A join along it also asks that
    the two rows' cooperatives be equal: always true, and what a database sharded by cooperative
    (Citus) needs to join within one shard, when ``CARECOOP_COOP_JOINS`` is on. Only queries
    change, not the schema, so migrations record it as Django's own field."""

    def get_extra_restriction(self, alias: str | None, related_alias: str) -> Any:
        model, target = self.model, self.related_model  # type: ignore[attr-defined]
        if not (settings.CARECOOP_COOP_JOINS and owned_model(model) and owned_model(target)):
            return None
        here = Col(related_alias, model._meta.get_field("coop"))
        if alias is None:
            # The subquery of an exclude() that starts at this link: the outer query's row is of
            # the same cooperative (it reaches this row through links of one cooperative).
            return Exact(here, _OuterCoop(here))
        return Exact(Col(alias, target._meta.get_field("coop")), here)

    def get_extra_descriptor_filter(self, instance: Any) -> Any:
        """``row.link`` reads the linked row where its cooperative and id say."""
        if owned_model(self.model) and owned_model(self.related_model):  # type: ignore[attr-defined]
            return {"coop_id": instance.coop_id}
        return {}

    def validate(self, value: Any, model_instance: Any) -> None:
        """Django's check that the linked row exists, asked among the row's cooperative's: to a
        cooperative, another's row does not exist."""
        owned = owned_model(self.model) and owned_model(self.related_model)  # type: ignore[attr-defined]
        coop_id = getattr(model_instance, "coop_id", None)
        if not owned or coop_id is None or value is None:
            return super().validate(value, model_instance)  # type: ignore[misc]
        models.Field.validate(self, value, model_instance)  # type: ignore[arg-type]
        field_name = self.remote_field.field_name  # type: ignore[attr-defined]
        found = (
            self.related_model._base_manager.filter(  # type: ignore[attr-defined]
                coop_id=coop_id, **{field_name: value}
            )
            .complex_filter(self.get_limit_choices_to())  # type: ignore[attr-defined]
            .exists()
        )
        if not found:
            raise ValidationError(
                self.error_messages["invalid"],  # type: ignore[attr-defined]
                code="invalid",
                params={
                    "model": self.related_model._meta.verbose_name,  # type: ignore[attr-defined]
                    "pk": value,
                    "field": field_name,
                    "value": value,
                },
            )

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        return name, f"django.db.models.{self.django_class}", args, kwargs

    django_class = ""


class _CoopPrefetch:
    """``prefetch_related`` along a link between a cooperative's rows reads the linked rows where
    their cooperatives and ids say."""

    field: Any

    def get_prefetch_querysets(self, instances: Any, querysets: Any = None) -> Any:
        ours = owned_model(self.field.model) and owned_model(self.field.related_model)
        if ours and instances and len(querysets or [None]) == 1:
            rows = querysets[0] if querysets else self.get_queryset()  # type: ignore[attr-defined]
            querysets = [rows.filter(coop_id__in=sorted({i.coop_id for i in instances}))]
        return super().get_prefetch_querysets(instances, querysets)  # type: ignore[misc]


class _ForwardManyToOne(_CoopPrefetch, ForwardManyToOneDescriptor):
    pass


class _ForwardOneToOne(_CoopPrefetch, ForwardOneToOneDescriptor):
    pass


if TYPE_CHECKING:  # the type checker's plugin knows Django's fields by their own names
    CoopForeignKey = models.ForeignKey
    CoopOneToOneField = models.OneToOneField
else:

    class CoopForeignKey(_CoopLink, models.ForeignKey):
        django_class = "ForeignKey"
        forward_related_accessor_class = _ForwardManyToOne

    class CoopOneToOneField(_CoopLink, models.OneToOneField):
        django_class = "OneToOneField"
        forward_related_accessor_class = _ForwardOneToOne


class CoopHistoryManager(HistoryManager):
    """A row's history (``row.history``), read where its cooperative and id say."""

    def get_queryset(self) -> Any:
        found = super().get_queryset()
        coop_id = getattr(self.instance, "coop_id", None)
        return found if coop_id is None else found.filter(coop_id=coop_id)


class CoopHistory(HistoricalRecords):
    """django-simple-history's history of a model, whose links between a cooperative's rows join
    within the cooperative as the model's own do (it copies a one-to-one link as a plain foreign
    key, which would lose that). Every version names its cooperative: history copies links as
    optional, but a version is a row of the cooperative and is sharded with it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("history_manager", CoopHistoryManager)
        super().__init__(*args, **kwargs)

    def copy_fields(self, model: Any) -> dict[str, Any]:
        fields: dict[str, Any] = super().copy_fields(model)
        for name, field in fields.items():
            original = model._meta.get_field(name)
            if isinstance(original, _CoopLink) and not isinstance(field, _CoopLink):
                field.__class__ = CoopForeignKey
            if name == "coop":
                field.null = field.blank = False
        return fields

    def get_extra_fields_m2m(self, model: Any, through_model: Any, fields: Any) -> dict[str, Any]:
        """The history of a many-to-many link names the version of its row as a link within
        the cooperative."""
        extra: dict[str, Any] = super().get_extra_fields_m2m(model, through_model, fields)
        if "coop" in fields:
            extra["history"].__class__ = CoopForeignKey
        return extra


class CoopCollector(Collector):
    """Django's deletion collector, whose statements name the cooperative of the rows they
    reach, so that a database sharded by cooperative (Citus) sends each to the shards that hold
    them: its queries for the rows that point at a deleted row (to delete them too, or to clear
    their link), and, when every row it deletes is a cooperative's, its deletes and updates by
    id (``core.keys.deleting``). Rows that point at a cooperative's row are of its cooperative:
    the keys between them say so. A global row that a cooperative's rows point at names that
    cooperative in its ``links_coop`` (a role, by its organisation)."""

    def related_objects(self, related_model: Any, related_fields: Any, objs: Any) -> Any:
        found = super().related_objects(related_model, related_fields, objs)
        coops = {getattr(obj, getattr(obj, "links_coop", "coop_id"), None) for obj in objs}
        if owned_model(related_model) and coops and None not in coops:
            found = found.filter(coop_id__in=sorted(coops))
        return found

    def delete(self) -> tuple[int, dict[str, int]]:
        models_ = self.data.keys()
        if not models_ or not all(owned_model(model) for model in models_):
            return super().delete()  # a global row too: what points at it may be any's
        coops = {obj.coop_id for _model, obj in self.instances_with_model()}  # type: ignore[attr-defined]
        with deleting(coops):
            return super().delete()


class CoopQuerySet(models.QuerySet):
    """Django's queryset, whose ``delete()`` collects with ``CoopCollector``."""

    def delete(self) -> tuple[int, dict[str, int]]:
        """Django's ``QuerySet.delete``, with the collector that names the cooperative."""
        self._not_support_combined_queries("delete")  # type: ignore[attr-defined]
        if self.query.is_sliced:
            raise TypeError("Cannot use 'limit' or 'offset' with delete().")
        if self.query.distinct_fields:
            raise TypeError("Cannot call delete() after .distinct(*fields).")
        if self._fields is not None:  # type: ignore[attr-defined]
            raise TypeError("Cannot call delete() after .values() or .values_list()")
        rows = self._chain()  # type: ignore[attr-defined]
        rows._for_write = True
        rows.query.select_for_update = False
        rows.query.select_related = False
        rows.query.clear_ordering(force=True)
        collector = CoopCollector(using=rows.db, origin=self)
        collector.collect(rows)
        self._result_cache = None
        return collector.delete()

    delete.alters_data = True  # type: ignore[attr-defined]


class CoopRowsManager(models.Manager.from_queryset(CoopQuerySet)):  # type: ignore[misc]
    """Every row of the table, whatever the cooperative scope, with ``CoopQuerySet``: what
    deletes rows outside a scope (``Model.rows``)."""


class CoopManager(type(ScopedManager(CoopRowsManager, coop="coop"))):  # type: ignore[misc]
    """The scoped manager of django-scopes over ``CoopQuerySet``, given a module-level name so
    type checkers find it."""


class CoopDeleted(models.Model):
    """A row deleted with the collector that names the cooperative (``CoopCollector``)."""

    class Meta:
        abstract = True

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Django's delete, with ``CoopCollector``."""
        if self.pk is None:
            raise ValueError(f"{self._meta.object_name} object can't be deleted: it has no id.")
        collector = CoopCollector(
            using=using or router.db_for_write(type(self), instance=self), origin=self
        )
        collector.collect([self], keep_parents=keep_parents)
        return collector.delete()


class CoopOwned(CoopDeleted):
    """A row that belongs to one cooperative.

    Queries through ``objects`` fail unless a cooperative scope is active (django-scopes), and are
    filtered to that cooperative when it is. The key is ``coop`` everywhere so a distributed
    PostgreSQL (Citus) can shard on it; unique constraints and indexes lead with it.
    """

    coop = models.ForeignKey(
        "tenancy.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cooperative"),
    )

    objects = CoopManager()
    rows = CoopRowsManager()

    # Foreign keys to other tenant-owned rows that must belong to the same cooperative.
    same_coop_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        check_same_coop(self, *self.same_coop_fields)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Every field's own checks, but a foreign key is not looked up again in the database to
        prove its row exists when it holds that row as read from the database: the lookup would
        find what is in hand (the database's own foreign key still refuses a row removed since).
        A service writes a record it built from rows it has read, so this is most of its
        queries."""
        held = {
            field.name for field in self._meta.concrete_fields if _read(self, field) is not None
        }
        super().clean_fields(exclude={*(exclude or ()), *held})

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any, *args: Any) -> bool:
        """A row is updated where its cooperative and its id say, and its cooperative is never
        written again: a row never moves to another cooperative, and a database sharded by
        cooperative (Citus) reaches the one shard that holds it and refuses to change the value
        it shards by. Set to another cooperative, the row is not found, so Django inserts it
        afresh and the id already taken refuses it."""
        values = [value for value in values if value[0].attname != "coop_id"]
        return bool(
            super()._do_update(base_qs.filter(coop_id=self.coop_id), using, pk_val, values, *args)
        )

    def refresh_from_db(
        self, using: Any = None, fields: Any = None, from_queryset: Any = None
    ) -> None:
        """Read again where the row's cooperative and id say."""
        if from_queryset is None and self.coop_id is not None:
            from_queryset = type(self)._base_manager.filter(coop_id=self.coop_id)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

    def _do_insert(self, manager: Any, using: Any, fields: Any, *args: Any) -> Any:
        """A row read from the database is never written again as a new row: saved to another
        cooperative, it is not found where its cooperative and id say (``_do_update``), and its
        id is unique only by the sequence that gave it, not by the key (cooperative, id)."""
        if not self._state.adding:
            raise IntegrityError(
                f"{self._meta.object_name} {self.pk} was not found in cooperative {self.coop_id}."
            )
        return super()._do_insert(manager, using, fields, *args)  # type: ignore[misc]

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """Every constraint checked as Django checks it, but the check constraints are first put
        to the database together: Django asks once for each, in a savepoint of its own. When they
        all hold, as they nearly always do, one query stands for them all; when one fails, each
        is asked alone again, so the errors are Django's own. (Together they fail exactly when
        one of them is false: a condition that is unknown, as with a null, passes alone and
        cannot make the others' conjunction false.)"""
        pairs = self.get_constraints()
        checks = [c for _, cs in pairs for c in cs if isinstance(c, models.CheckConstraint)]
        if len(checks) < 2 or not _all_hold(self, checks, exclude):
            return super().validate_constraints(exclude)
        using = router.db_for_write(type(self), instance=self)
        errors: dict[str, Any] = {}
        for model, constraints in pairs:
            for constraint in cast(list[Any], constraints):
                if isinstance(constraint, models.CheckConstraint):
                    continue
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    fields: tuple[str, ...] = getattr(constraint, "fields", ())
                    if getattr(error, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _all_hold(
    obj: models.Model, checks: list[models.CheckConstraint], exclude: Collection[str] | None
) -> bool:
    """Whether no check constraint of ``obj`` is false, asked in one query. False too when a
    condition names a field left out (Django then skips that constraint alone)."""
    against = obj._get_field_expression_map(meta=obj._meta, exclude=exclude)  # type: ignore[attr-defined]
    using = router.db_for_write(type(obj), instance=obj)
    try:
        return bool(models.Q(*(check.condition for check in checks)).check(against, using=using))
    except FieldError:
        return False


def _read(obj: models.Model, field: Any) -> models.Model | None:
    """The row a foreign key of ``obj`` holds, when it was read from the database and is the row
    the key names (a key changed since clears it); None otherwise."""
    if not (field.many_to_one and field.is_cached(obj)):
        return None
    related = field.get_cached_value(obj)
    if (
        related is None
        or related._state.adding
        or not field.target_field.primary_key
        or field.get_limit_choices_to()
        or related.pk != getattr(obj, field.attname)
    ):
        return None
    return cast(models.Model, related)


def check_same_coop(obj: CoopOwned, *field_names: str) -> None:
    """Refuse a link to a row of another cooperative, whatever the form or import offered. A row
    in hand, read from the database, is not read again: a row's cooperative never changes."""
    errors = {}
    for name in field_names:
        related_id = getattr(obj, f"{name}_id", None)
        if related_id is None:
            continue
        field = obj._meta.get_field(name)
        held = _read(obj, field)
        if held is not None and hasattr(held, "coop_id"):
            ours = held.coop_id == obj.coop_id
        else:  # looked for among the cooperative's rows, as a database sharded by it needs
            related_model = cast(type[models.Model], field.related_model)
            ours = related_model._base_manager.filter(coop_id=obj.coop_id, pk=related_id).exists()
        if not ours:
            errors[name] = ValidationError(
                _("This choice belongs to another cooperative."), code="other_coop"
            )
    if errors:
        raise ValidationError(errors)


SUBMISSION_KEY_LENGTH = 64


class Submission(CoopOwned):
    """A form sent to a service that writes money, claimed by its token first thing in the write's
    transaction (``core.services.submitted_once``). The token is unique per cooperative, so the
    database itself lets one write through however often the form is sent: a double tap, a resend
    on a slow link, ten requests at once. It names what the write recorded, which is what a
    repeat gets back."""

    key = models.CharField(max_length=SUBMISSION_KEY_LENGTH)
    service = models.CharField(max_length=120)
    record_model = models.CharField(max_length=100, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    # The record's id follows it when an archive is read into another installation.
    archive_ids = {"record_id": "record_model"}

    class Meta:
        verbose_name = _("form sent")
        verbose_name_plural = _("forms sent")
        constraints = [
            models.UniqueConstraint(fields=["coop", "key"], name="core_submission_once"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.key}"


class Counter(CoopOwned):
    """A numbering sequence of one cooperative (invoices, receipts, share certificates, board
    decisions per year), advanced under a row lock so two writers never take the same number.
    Keys are named by the app that numbers: ``billing.invoice``, ``capital.certificate``."""

    key = models.CharField(_("sequence"), max_length=40)
    value = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("numbering sequence")
        verbose_name_plural = _("numbering sequences")
        constraints = [
            models.UniqueConstraint(fields=["coop", "key"], name="core_counter_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.value}"


class Upload(CoopOwned):
    """A file brought in to import one of the cooperative's registers, kept from its preview to
    its import so that a slow link sends it once. Imported once: ``imported_at`` is set, under
    the row's lock, in the transaction that writes its rows."""

    register = models.CharField(_("register"), max_length=40)
    name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        indexes = [models.Index(fields=["coop", "register", "uploaded_at"])]

    def __str__(self) -> str:
        return self.name
