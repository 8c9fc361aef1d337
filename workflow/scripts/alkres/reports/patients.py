"""A patient's biopsies together: in date order, the patient's status and fusion, and the
follow-up (the next TKI, its response, and what the latest ALK mutations predicted for it).
Both reports read these; every per-biopsy value comes from the biopsy's record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from alkres.biopsy.model import (
    CONFIDENT_NEGATIVE,
    FUSION_NOT_ASSESSABLE,
    FUSION_NOT_DETECTED,
    FUSION_VARIANT_GROUPS,
    INCONCLUSIVE,
    MECHANISM,
    PREDICTED_ACTIVE,
    Biopsy,
)
from alkres.knowledge.knowledge import UNKNOWN


def by_patient(biopsies: Iterable[Biopsy]) -> dict[str, list[Biopsy]]:
    patients: dict[str, list[Biopsy]] = {}
    for biopsy in biopsies:
        patients.setdefault(biopsy.patient_id, []).append(biopsy)
    return dict(sorted(patients.items()))


def latest_mutation_biopsy(biopsies: Sequence[Biopsy]) -> Biopsy | None:
    carrying = [biopsy for biopsy in biopsies if biopsy.mutations]
    return carrying[-1] if carrying else None


def patient_fusion(biopsies: Sequence[Biopsy]) -> tuple[str, str]:
    """The patient's fusion (label, variant group): the fusion any biopsy shows, else not
    detected when a biopsy could have shown one, else not assessable. The group is that of
    the earliest biopsy's best-supported fusion."""
    detected = [b.detected_fusions[0] for b in biopsies if b.detected_fusions]
    if detected:
        labels = dict.fromkeys(row["fusion"] for b in biopsies for row in b.detected_fusions)
        variant = detected[0].get("variant", "")
        return "; ".join(labels), variant if variant in FUSION_VARIANT_GROUPS[:3] else "other"
    if any(b.fusion_result == FUSION_NOT_DETECTED for b in biopsies):
        return FUSION_NOT_DETECTED, FUSION_NOT_DETECTED
    return FUSION_NOT_ASSESSABLE, FUSION_NOT_ASSESSABLE


def patient_status(biopsies: Sequence[Biopsy]) -> str:
    if any(b.status == MECHANISM for b in biopsies):
        return MECHANISM
    if any(b.status == INCONCLUSIVE for b in biopsies):
        return INCONCLUSIVE
    return CONFIDENT_NEGATIVE


@dataclass(frozen=True)
class FollowUp:
    """What happened after the biopsies, and what alkres predicted for that drug."""

    next_tki: str
    best_response: str
    progressed_on: str
    activity: str  # the next TKI's verdict on the latest ALK mutations ('' if none)
    comment: str = ""  # free text from the clinical table

    @property
    def switched(self) -> bool:
        return bool(self.next_tki) and self.next_tki != self.progressed_on

    @property
    def predicted_active(self) -> bool:
        return self.activity == PREDICTED_ACTIVE


def follow_up(biopsies: Sequence[Biopsy], clinical: Mapping | None) -> FollowUp | None:
    if not clinical or not clinical.get("next_tki"):
        return None
    latest = biopsies[-1]
    carrier = latest_mutation_biopsy(biopsies)
    activity = ""
    if carrier is not None:
        activity = carrier.tki_activity.get(clinical["next_tki"], UNKNOWN)
    return FollowUp(
        next_tki=clinical["next_tki"],
        best_response=clinical.get("best_response", "") or "",
        progressed_on=latest.progressed_on,
        activity=activity,
        comment=clinical.get("comment", "") or "",
    )
