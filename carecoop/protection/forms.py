"""Forms parse and present input; the rules live in services."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carecoop.core.forms import DATE, ServiceModelForm
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerField
from carecoop.members import forms as member_forms
from carecoop.protection import selectors
from carecoop.protection.models import Scheme, SchemeStep


class SchemeForm(ServiceModelForm):
    class Meta:
        model = Scheme
        fields = ["name", "kind", "active"]


class SchemeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        """A scheme the cooperative no longer helps with says so: a family may still leave it,
        but no longer apply."""
        if obj.active:
            return str(obj.name)
        return gettext("%(scheme)s (no longer helped with)") % {"scheme": obj.name}


class StepForm(ServiceModelForm):
    """One step of a household with a scheme: the household found with the search picker."""

    household = PickerField(label=_("household"))
    scheme = SchemeField(label=_("scheme"), queryset=Scheme.objects.none())

    class Meta:
        model = SchemeStep
        fields = ["household", "scheme", "status", "on", "helped_by", "note"]
        widgets = {"on": DATE}

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_forms.offer(self, "household", access=access, kind="households")
        scheme = self.fields["scheme"]
        assert isinstance(scheme, forms.ModelChoiceField)
        scheme.queryset = selectors.schemes(access=access)
        self.fields["on"].initial = timezone.localdate


class HouseholdChoiceForm(forms.Form):
    """Find a family's page: a household chosen with the search picker."""

    household = PickerField(label=_("household"))

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_forms.offer(self, "household", access=access, kind="households")
