"""Thin views: parse input, call one service or selector, render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.middleware import HtmxDetails

from carecoop.core.exports import register_response
from carecoop.core.forms import apply_errors
from carecoop.core.links import row_url
from carecoop.core.permissions import Access, access_of, coop_permission
from carecoop.core.registers import Register
from carecoop.core.views import form_page, pick_results
from carecoop.members import forms, selectors, services
from carecoop.members.models import (
    MemberClass,
    Membership,
    MembershipStatus,
    Person,
    Seen,
    WorkRecord,
)
from carecoop.members.services import view_log_record
from carecoop.tenancy.models import Centre


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _detail(coop: str, pk: int) -> str:
    return reverse("members:detail", kwargs={"coop": coop, "pk": pk})


def _member_row(m: Membership, url: str) -> dict[str, Any]:
    """What a row of the member list shows, read once: the page looks up each value by name."""
    household = m.person.household
    centre = household.centre if household is not None else None
    return {
        "number": m.number,
        "url": url,
        "name": m.person.full_name,  # in the cooperative's order; the list sorts by family name
        "member_class": m.member_class.name,
        "status": m.status,
        "status_label": m.get_status_display(),
        "phone": m.person.phone,
        "centre": centre.name if centre is not None else "",
    }


@coop_permission("members.export")
def member_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """The member register as CSV or XLSX: the list's rows under its filters, every page."""
    access = access_of(request)
    columns, rows = selectors.member_register(
        access=access, **_chosen(_list_filters(request, access))
    )
    name = f"members-{access.org.slug}-{timezone.localdate().isoformat()}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=_("Members"))


def _member_detail(line: Any) -> tuple[str, str]:
    return f"{line.person.get('given_name') or ''} {line.person.get('family_name') or ''}", (
        line.member_class.name if line.member_class else ""
    )


def _child_detail(line: Any) -> tuple[str, str]:
    name = f"{line.person.get('given_name') or ''} {line.person.get('family_name') or ''}"
    return name, (line.parent.household or line.parent.name) if line.parent else ""


def _members_registers() -> tuple[Register, ...]:
    return (MEMBERS,)


def _children_registers() -> tuple[Register, ...]:
    return (CHILDREN,)


MEMBERS = Register(
    name="members",
    namespace="members",
    permission="members.change",
    upload=services.members_upload,
    check=services.members_import_check,
    run=services.members_import,
    columns=services.IMPORT_COLUMNS,
    title=gettext_lazy("Import members"),
    intro=gettext_lazy(
        "Bring in the register you keep on paper or in a spreadsheet. Download the template, "
        "fill one row per member, and send it back: you will see what the import adds and "
        "changes before anything is saved. One wrong cell, and nothing is imported until it "
        "is corrected. The same file sent again changes nothing: each row's reference finds "
        "its member."
    ),
    hint=gettext_lazy("Fill in the template: one row per member, the headings in the first row."),
    sheet=gettext_lazy("Members"),
    back="members:list",
    back_title=gettext_lazy("Members"),
    counted=lambda new, changed: (
        _("%(new)s members added, %(changed)s changed.") % {"new": new, "changed": changed}
    ),
    will=lambda new, changed, same: (
        _(
            "The import will add %(new)s members and change %(changed)s; %(same)s are already as "
            "the file says."
        )
        % {"new": new, "changed": changed, "same": same}
    ),
    detail=(gettext_lazy("Class"), _member_detail),
    see_also=_children_registers,
)
CHILDREN = Register(
    name="children",
    namespace="members",
    permission="members.change",
    upload=services.children_upload,
    check=services.children_import_check,
    run=services.children_import,
    columns=services.CHILD_COLUMNS,
    title=gettext_lazy("Import children"),
    intro=gettext_lazy(
        "Bring in the children of the members already in the register: one row per child, "
        "with her parent's reference or member number, so that she joins that household. "
        "You will see what the import adds and changes before anything is saved; one wrong "
        "cell, and nothing is imported. The same file sent again changes nothing."
    ),
    hint=gettext_lazy("Fill in the template: one row per child, the headings in the first row."),
    sheet=gettext_lazy("Children"),
    back="members:list",
    back_title=gettext_lazy("Members"),
    counted=lambda new, changed: (
        _("%(new)s children added, %(changed)s changed.") % {"new": new, "changed": changed}
    ),
    will=lambda new, changed, same: (
        _(
            "The import will add %(new)s children and change %(changed)s; %(same)s are already as "
            "the file says."
        )
        % {"new": new, "changed": changed, "same": same}
    ),
    detail=(gettext_lazy("Household"), _child_detail),
    see_also=_members_registers,
)


def _list_filters(request: HttpRequest, access: Access) -> dict[str, Any]:
    """The member list's filters as the address gives them, each checked against what exists:
    anything else is no filter."""
    status = request.GET.get("status", "")
    classes = list(MemberClass.objects.filter(coop_id=access.coop_id).only("name"))
    centres = list(access.restrict(Centre.objects.all()).only("name"))
    return {
        "query": request.GET.get("q", "").strip()[:100],
        "status": status if status in MembershipStatus.values else "",
        "classes": classes,
        "chosen_class": next((c for c in classes if str(c.pk) == request.GET.get("class")), None),
        "centres": centres,
        "chosen_centre": next((c for c in centres if str(c.pk) == request.GET.get("centre")), None),
    }


def _chosen(filters: dict[str, Any]) -> dict[str, Any]:
    centre = filters["chosen_centre"]
    return {
        "query": filters["query"],
        "status": filters["status"],
        "member_class": filters["chosen_class"],
        "centre_id": centre.pk if centre else None,
    }


@coop_permission("members.list")
def member_list(request: HtmxHttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    filters = _list_filters(request, access)
    page = selectors.member_page(
        access=access, cursor=request.GET.get("cursor", ""), **_chosen(filters)
    )
    params = request.GET.copy()
    params.pop("cursor", None)
    params.pop("page", None)  # links kept from when the list was paged by number
    person_url = row_url("members:detail", coop=access.org.slug)
    context = {
        **filters,
        "page": page,
        "rows": [_member_row(m, person_url(m.person_id)) for m in page.object_list],
        "statuses": MembershipStatus.choices,
        "params": params.urlencode(),
        "show_contact": access.can("members.view_contact"),
        "can_change": access.can("members.change"),
        "can_export": access.can("members.export"),
        "can_view_log": access.can("privacy.view_log"),
        "can_set_name_order": access.can("tenancy.set_name_order"),
    }
    template = "members/_rows.html" if request.htmx else "members/member_list.html"
    return render(request, template, context)


@coop_permission("members.change")
def member_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.MemberCreateForm(request.POST or None, coop_id=access.coop_id, show_sensitive=True),
        save=lambda data: services.member_register(coop=access.org, by=access.user, **data),
        done=_("Member registered."),
        next_url=lambda membership: _detail(coop, membership.person_id),
        template="members/member_form.html",
        context={"title": _("New member")},
    )


@coop_permission("members.view")
def person_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    person = selectors.person_get(access=access, pk=pk)
    membership = selectors.membership_get(access=access, person=person)
    seen = _sensitive_seen(access, person)
    if seen:
        view_log_record(coop_id=access.coop_id, viewer=access.user, person_id=person.pk, seen=seen)
    context = {
        "person": person,
        "membership": membership,
        "status_changes": membership.status_changes.select_related("recorded_by")
        if membership
        else [],
        "household_people": selectors.household_people(access=access, person=person),
        "guardians": person.guardianships.select_related("guardian"),
        "work": WorkRecord.objects.filter(person=person).first(),
        "show_sensitive": access.can("members.view_sensitive"),
        "show_contact": access.can("members.view_contact"),
        "can_change": access.can("members.change"),
        "privacy": access.can("privacy.export"),
        "history": selectors.person_history(access=access, person=person)
        if access.can("members.view_history")
        else None,
    }
    return render(request, "members/person_detail.html", context)


def _sensitive_seen(access: Access, person: Person) -> str:
    """What of the person's sensitive fields the page shows this role (for the view log)."""
    if access.can("members.view_sensitive"):
        return Seen.SENSITIVE
    if person.phone and access.can("members.view_contact"):
        return Seen.PHONE
    return ""


@coop_permission("members.change")
def person_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    person = selectors.person_get(access=access, pk=pk)
    membership = selectors.membership_get(access=access, person=person)
    form = forms.PersonForm(request.POST or None, instance=person, show_sensitive=True)
    class_form = (
        forms.MembershipForm(
            request.POST or None,
            coop_id=access.coop_id,
            initial={"member_class": membership.member_class},
            prefix="m",
        )
        if membership
        else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (class_form is None or class_form.is_valid())
    ):
        try:
            services.person_update(person=person, by=access.user, **form.cleaned_data)
            if membership and class_form:
                services.membership_update(
                    membership=membership,
                    by=access.user,
                    member_class=class_form.cleaned_data["member_class"],
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:detail", coop=coop, pk=person.pk)
    return render(
        request,
        "members/member_form.html",
        {"form": form, "extra_form": class_form, "title": person.full_name, "person": person},
    )


@coop_permission("members.change")
def membership_status(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    person = selectors.person_get(access=access, pk=pk)
    membership = selectors.membership_get(access=access, person=person)
    if membership is None:
        return redirect("members:detail", coop=coop, pk=person.pk)
    return form_page(
        request,
        forms.StatusForm(request.POST or None, current=membership.status),
        save=lambda data: services.membership_transition(
            membership=membership, by=access.user, **data
        ),
        done=_("Membership status changed."),
        next_url=_detail(coop, person.pk),
        template="members/status_form.html",
        context={"person": person, "membership": membership},
    )


@coop_permission("members.change")
def child_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    guardian = selectors.person_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.ChildForm(request.POST or None, initial={"family_name": guardian.family_name}),
        save=lambda data: services.child_register(
            guardian=guardian, by=access_of(request).user, **data
        ),
        done=_("Child added to the household."),
        next_url=lambda child: _detail(coop, child.pk),
        template="members/member_form.html",
        context={"title": _("Add a child"), "person": guardian},
    )


@coop_permission("members.change")
def work_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    person = selectors.person_get(access=access, pk=pk)
    record = WorkRecord.objects.filter(person=person).first()
    form = forms.WorkRecordForm(request.POST or None, instance=record, currency=access.org.currency)
    return form_page(
        request,
        form,
        save=lambda data: services.work_record_save(
            person=person, by=access.user, **form.service_fields()
        ),
        done=_("Work record saved."),
        next_url=_detail(coop, person.pk),
        template="members/member_form.html",
        context={"title": _("Work"), "person": person},
    )


@coop_permission("members.view_classes")
def class_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    classes = selectors.member_classes(access=access)
    return render(
        request,
        "members/class_list.html",
        {"classes": classes, "can_change": access.can("members.change")},
    )


@coop_permission("members.change")
def class_edit(request: HttpRequest, coop: str, pk: int | None = None) -> HttpResponse:
    access = access_of(request)
    member_class = (
        selectors.member_classes(access=access).filter(pk=pk).first() if pk is not None else None
    )
    if pk is not None and member_class is None:
        raise Http404

    def save(data: dict[str, Any]) -> Any:
        if member_class is None:
            return services.member_class_create(coop=access.org, by=access.user, **data)
        return services.member_class_update(member_class=member_class, by=access.user, **data)

    return form_page(
        request,
        forms.MemberClassForm(request.POST or None, instance=member_class),
        save=save,
        done=_("Member class saved."),
        next_url=reverse("members:classes", kwargs={"coop": coop}),
        template="members/member_form.html",
        context={"title": member_class.name if member_class else _("New member class")},
    )


@coop_permission("members.view")
def pick(request: HttpRequest, coop: str, kind: str) -> HttpResponse:
    """A search picker's results (``core.pickers``): people, members, households or children."""
    access = access_of(request)
    found = forms.PICKS[kind]
    return pick_results(request, search=lambda q: found.search(access, q), label=found.label)
