"""Every write to a cooperative's surveys."""

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecoop.core.imports import within_limits
from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.surveys.models import Survey, SurveyVersion
from carecoop.surveys.xlsform import Form, Problem, form_read
from carecoop.tenancy.models import Organisation

CODE = re.compile(r"[^A-Za-z0-9_.-]+")


def survey_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[Form, SurveyVersion | None]:
    """Keep a questionnaire's XLSForm as a version of its survey (made when its ``form_id`` is
    new), once it is read without a problem (``xlsform.form_read``): the form as read, and the
    version kept (None when it has problems). The survey is known by the form's ``form_id``
    (the file's name without one), the version by the form's ``version`` (the file's digest
    without one). The same file sent again is the version already kept; another file under a
    version already kept is refused, since answers are read by their version's questions."""
    within_limits(len(content))
    if not name.lower().endswith((".xlsx", ".xls")):
        form = Form(problems=[Problem("", 1, "", _("Send the questionnaire as an XLSX file."))])
        return form, None
    form = form_read(content)
    if form.problems:
        return form, None
    digest = hashlib.sha256(content).hexdigest()
    code = CODE.sub("_", form.settings.get("form_id") or name.rsplit(".", 1)[0])[:60]
    version = (form.settings.get("version") or digest[:12])[:40]
    title = (form.settings.get("form_title") or code)[:200]
    try:
        with transaction.atomic():
            survey = Survey.objects.select_for_update().filter(coop_id=coop.pk, code=code).first()
            if survey is None or survey.title != title:
                survey = survey or Survey(coop=coop, code=code)
                survey.title = title
                validated_save(survey, by=by)
            held = SurveyVersion.objects.filter(
                coop_id=coop.pk, survey=survey, version=version
            ).first()
            if held is not None:
                if held.digest == digest:
                    return form, held
                form.problems.append(
                    Problem(
                        "settings",
                        2,
                        "version",
                        _(
                            "Version %(version)s of this survey is already kept, with other "
                            "questions: give the changed form a new version."
                        )
                        % {"version": version},
                    )
                )
                return form, None
            kept = SurveyVersion.objects.create(
                coop=coop,
                survey=survey,
                version=version,
                digest=digest,
                xlsform=content,
                xform=form.xform,
                questions=form.questions,
                choices=form.choices,
                uploaded_by=by if getattr(by, "pk", None) else None,
            )
    except (IntegrityError, ValidationError):  # The same new form sent twice at once.
        form.problems.append(
            Problem("", 1, "", _("This record conflicts with one saved at the same time."))
        )
        return form, None
    return form, kept
