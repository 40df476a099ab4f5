"""The code lists of the Children Looked After return (SSDA903), with their meanings.

From the DfE's yearly "Children looked after return" guide, as kept machine-readable in
the SSDA903 schema files of SocialFinanceDigitalLabs/liia-tools-pipeline
(`liiatools/ssda903_pipeline/spec/`, return years 2017 to 2027). Each list is the union
over those years, so that an older return still imports: a code the DfE has since
withdrawn is marked so in its meaning. Meanings are shortened from the guide's wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _frozen(codes: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(codes)


# SEX: numbers up to the 2023-24 return, letters from 2024-25. Keys are what the file
# may hold; values are the stored `Child.Sex` code.
SEX = _frozen({"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"})

REASON_FOR_NEW_EPISODE = _frozen(
    {
        "S": "Started to be looked after",
        "L": "Change of legal status only",
        "P": "Change of placement and carer(s) only",
        "T": "Change of placement only, with the same carer(s)",
        "B": "Change of legal status, placement and carer(s) at the same time",
        "U": "Change of legal status and placement, with the same carer(s), at the "
        "same time",
    }
)

# RNE "S" opens a new period of care; every other code carries on the period of the
# episode before (see peps/care_periods.py).

LEGAL_STATUS = _frozen(
    {
        "C1": "Interim care order",
        "C2": "Full care order",
        "D1": "Freeing order granted",
        "E1": "Placement order granted",
        "V2": "Single period of accommodation under section 20 (Children Act 1989)",
        "V3": "Accommodated under an agreed series of short-term breaks, individual "
        "episodes recorded",
        "V4": "Accommodated under an agreed series of short-term breaks, agreements "
        "recorded",
        "L1": "Under police protection and in local authority accommodation",
        "L2": "Emergency protection order (EPO)",
        "L3": "Under a child assessment order and in local authority accommodation",
        "J1": "Remanded to local authority or youth detention accommodation",
        "J2": "Placed in local authority accommodation under the Police and Criminal "
        "Evidence Act 1984",
        "J3": "Sentenced to a youth rehabilitation order with a residence or "
        "intensive fostering requirement",
    }
)

CATEGORY_OF_NEED = _frozen(
    {
        "N1": "Abuse or neglect",
        "N2": "Child's disability",
        "N3": "Parental illness or disability",
        "N4": "Family in acute stress",
        "N5": "Family dysfunction",
        "N6": "Socially unacceptable behaviour",
        "N7": "Low income",
        "N8": "Absent parenting",
    }
)

PLACEMENT_TYPE = _frozen(
    {
        "A3": "Placed for adoption with consent, with current foster carer(s)",
        "A4": "Placed for adoption with consent, not with current foster carer(s)",
        "A5": "Placed for adoption under a placement order, with current foster "
        "carer(s)",
        "A6": "Placed for adoption under a placement order, not with current foster "
        "carer(s)",
        "H5": "Semi-independent living not subject to children's homes regulations "
        "(withdrawn from 2024-25)",
        "K1": "Secure children's home",
        "K2": "Children's home subject to the Children's Homes Regulations",
        "K3": "Registered supported accommodation (from 2024-25)",
        "P1": "Placed with own parent(s) or others with parental responsibility",
        "P2": "Independent living, for example a flat, lodgings or bedsit "
        "(withdrawn from 2024-25)",
        "P3": "Residential employment",
        "R1": "Residential care home",
        "R2": "NHS or health trust establishment providing medical or nursing care",
        "R3": "Family centre or mother and baby unit",
        "R5": "Young offender institution",
        "S1": "Residential school, unless also registered as a children's home",
        "T0": "Temporary move of any type",
        "T1": "Temporary period in hospital",
        "T2": "Temporary absence on holiday",
        "T3": "Temporary accommodation while the usual foster carer(s) are on holiday",
        "T4": "Temporary accommodation of seven days or less for another reason",
        "U1": "Fostered with relative(s) or friend(s): long-term fostering",
        "U2": "Fostered with relative(s) or friend(s) who are approved adopters",
        "U3": "Fostered with relative(s) or friend(s): other fostering",
        "U4": "Fostered with other foster carer(s): long-term fostering",
        "U5": "Fostered with other foster carer(s) who are approved adopters",
        "U6": "Fostered with other foster carer(s): other fostering",
        "Z1": "Other placement",
        # TODO: Give Z11 to Z14 the meanings printed in the 2025-26 return guide; the
        # schema files this list was written from carry the codes without meanings.
        # The marker can go once the guide's wording is copied in here.
        "Z11": "Other placement (a subdivision of Z1 from 2025-26)",
        "Z12": "Other placement (a subdivision of Z1 from 2025-26)",
        "Z13": "Other placement (a subdivision of Z1 from 2025-26)",
        "Z14": "Other placement (a subdivision of Z1 from 2025-26)",
    }
)

PLACEMENT_PROVIDER = _frozen(
    {
        "PR0": "Parent(s) or others with parental responsibility",
        "PR1": "The authority's own provision",
        "PR2": "Another local authority's provision",
        "PR3": "Other public provision",
        "PR4": "Private provision",
        "PR5": "Voluntary or third-sector provision",
    }
)

# REC "X1" closes an episode only because another starts the same day: the child
# stays in care. Every "E" code ends the period of care (see peps/care_periods.py).

REASON_EPISODE_CEASED = _frozen(
    {
        "X1": "Episode ceased and a new one began the same day",
        "E11": "Adopted: application for the adoption order unopposed",
        "E12": "Adopted: consent dispensed with by the court",
        "E13": "Left care to live with parent(s), relative(s) or others without "
        "parental responsibility",
        "E14": "Accommodation on remand ended",
        "E15": "Age assessment found the child to be 18 or over",
        "E16": "Child moved abroad",
        "E17": "Aged 18 or over and stayed with current carers (including staying put)",
        "E2": "Died",
        "E3": "Care taken over by another local authority in the UK",
        "E41": "Residence order or child arrangements order granted",
        "E43": "Special guardianship order made to former foster carers (withdrawn "
        "from 2018-19)",
        "E44": "Special guardianship order made to carers other than former foster "
        "carers (withdrawn from 2018-19)",
        "E45": "Special guardianship order made to former foster carer(s) who are "
        "relatives or friends",
        "E46": "Special guardianship order made to former foster carer(s) who are "
        "not relatives or friends",
        "E47": "Special guardianship order made to other carer(s) who are relatives "
        "or friends",
        "E48": "Special guardianship order made to other carer(s) who are not "
        "relatives or friends",
        "E4A": "Returned home to parent(s) or others with parental responsibility, as "
        "part of the care plan",
        "E4B": "Returned home to parent(s) or others with parental responsibility, not "
        "as part of the care plan",
        "E5": "Moved to independent living with formal support",
        "E6": "Moved to independent living without formal support",
        "E7": "Transferred to residential care funded by adult social care",
        "E8": "Care ceased for any other reason",
        "E9": "Sentenced to custody",
    }
)

REASON_PLACE_CHANGE = _frozen(
    {
        "ALLEG": "Allegation (section 47)",
        "APPRR": "Approval removed",
        "CARPL": "Change to or carrying out of the care plan",
        "CHILD": "Child asked for the placement to end",
        "CLOSE": "Resignation or closure of the provision",
        "CREQB": "Carer(s) asked for the placement to end because of the child's "
        "behaviour",
        "CREQO": "Carer(s) asked for the placement to end for another reason",
        "CUSTOD": "Custody arrangement",
        "LAREQ": "Responsible or area authority asked for the placement to end",
        "OTHER": "Other",
        "PLACE": "Change in the placement's status only",
        "STAND": "Concern about standards of care",
    }
)

ETHNICITY = _frozen(
    {
        "WBRI": "White British",
        "WIRI": "White Irish",
        "WOTH": "Any other White background",
        "WIRT": "Traveller of Irish heritage",
        "WROM": "Gypsy or Roma",
        "MWBC": "White and Black Caribbean",
        "MWBA": "White and Black African",
        "MWAS": "White and Asian",
        "MOTH": "Any other mixed background",
        "AIND": "Indian",
        "APKN": "Pakistani",
        "ABAN": "Bangladeshi",
        "AOTH": "Any other Asian background",
        "BCRB": "Caribbean",
        "BAFR": "African",
        "BOTH": "Any other Black background",
        "CHNE": "Chinese",
        "OOTH": "Any other ethnic group",
        "REFU": "Refused",
        "NOBT": "Information not yet obtained",
    }
)

# UPN: a child without a unique pupil number is given one of these instead.
UPN_UNKNOWN = _frozen(
    {
        "UN1": "Not of school age and not yet given a UPN",
        "UN2": "Never attended a maintained school in England",
        "UN3": "Educated outside England",
        "UN4": "Newly looked after; UPN not known at the time of the return",
        "UN5": "Records disagree on the child's details, so the UPN cannot be matched",
    }
)

SDQ_REASON = _frozen(
    {
        "SDQ1": "Aged under 4 or over 16 at the latest assessment",
        "SDQ2": "Carer(s) refused to complete the questionnaire",
        "SDQ3": "The child's disability made the questionnaire impossible",
        "SDQ4": "Other",
        "SDQ5": "The child refused to have the questionnaire completed",
    }
)

# MOTHER: 1 if the child is a mother, 0 if not; spreadsheets turn them into 1.0, 0.0.
MOTHER = _frozen({"0": "0", "1": "1", "0.0": "0", "1.0": "1"})


def legal_status_label(code: str) -> str:
    """ "C2: Full care order", or the bare code if it is not on the list."""
    meaning = LEGAL_STATUS.get(code)
    return f"{code}: {meaning}" if meaning else code
