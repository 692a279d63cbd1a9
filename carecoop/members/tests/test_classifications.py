from hypothesis import given
from hypothesis import strategies as st

from carecoop.members.classifications import Answer, Formality, Icse18, derive_formality

answers = st.sampled_from(Answer.values)


@given(
    status=st.sampled_from(Icse18.values),
    registered=answers,
    insurance=answers,
    annual=answers,
    sick=answers,
)
def test_every_combination_gets_a_verdict_and_family_workers_are_informal(
    status, registered, insurance, annual, sick
):
    verdict = derive_formality(
        status=status,
        registered_business=registered,
        social_insurance=insurance,
        paid_annual_leave=annual,
        paid_sick_leave=sick,
    )
    assert verdict in Formality.values
    if status == "51":
        assert verdict == Formality.INFORMAL
    if status in {"41", "42", "43", "44", "30"} and insurance == Answer.YES:
        assert verdict == Formality.FORMAL
    if status in {"11", "12", "21", "22"}:
        assert (
            verdict
            == {
                "yes": Formality.FORMAL,
                "no": Formality.INFORMAL,
                "unknown": Formality.UNDETERMINED,
            }[registered]
        )


def test_employee_without_insurance_is_formal_only_with_both_leaves():
    def verdict(annual, sick):
        return derive_formality(
            status="43",
            registered_business="unknown",
            social_insurance="no",
            paid_annual_leave=annual,
            paid_sick_leave=sick,
        )

    assert verdict("yes", "yes") == Formality.FORMAL
    assert verdict("yes", "no") == Formality.INFORMAL
    assert verdict("unknown", "no") == Formality.INFORMAL
    assert verdict("yes", "unknown") == Formality.UNDETERMINED
