"""Small CIN census returns for tests, written the way the DfE schema lays them out.

An episode's initial conference (CINdetails DateOfInitialCPC) is by default the day its first
plan starts, as rule 2885 wants; pass `conference=""` for none.
"""

import os
import re
from pathlib import Path

# The synthetic census return in ../shared beside the checkout (SHARED_DIR overrides where that is).
SHARED = Path(os.environ.get("SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
SAMPLE = SHARED / "data" / "cin_census_sample_2025.xml"


def plan(start, end=None, initial="NEG", latest="NEG", previous="0", reviews=()):
    parts = [f"<CPPstartDate>{start}</CPPstartDate>"]
    if end:
        parts.append(f"<CPPendDate>{end}</CPPendDate>")
    parts.append(f"<InitialCategoryOfAbuse>{initial}</InitialCategoryOfAbuse>")
    parts.append(f"<LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse>")
    if previous is not None:
        parts.append(f"<NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>")
    if reviews:
        parts.append("<Reviews>" + "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews) + "</Reviews>")
    return "<ChildProtectionPlans>" + "".join(parts) + "</ChildProtectionPlans>"


FIRST_START = re.compile(r"<CPPstartDate>([^<]*)</CPPstartDate>")


def section47(conference=None, not_required="false"):
    """One <Section47> enquiry, with or without an initial conference date."""
    parts = ["<S47ActualStartDate>2015-01-02</S47ActualStartDate>"]
    if conference:
        parts.append(f"<DateOfInitialCPC>{conference}</DateOfInitialCPC>")
    parts.append(f"<ICPCnotRequired>{not_required}</ICPCnotRequired>")
    return "<Section47>" + "".join(parts) + "</Section47>"


def episode(*plans, referral="2015-01-01", conference=None, factors=(), cin_plans=(), enquiries=()):
    """One <CINdetails>; `cin_plans` are (start, end or None) of Child in Need plans, `enquiries`
    its <Section47> modules (see `section47`)."""
    parts = [f"<CINreferralDate>{referral}</CINreferralDate>", "<ReferralSource>6</ReferralSource>"]
    if conference is None:
        found = FIRST_START.search("".join(plans))
        conference = found.group(1) if found else ""
    if conference:
        parts.append(f"<DateOfInitialCPC>{conference}</DateOfInitialCPC>")
    if factors:
        parts.append(
            "<Assessments><AssessmentActualStartDate>2015-01-02</AssessmentActualStartDate>"
            "<FactorsIdentifiedAtAssessment>"
            + "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors)
            + "</FactorsIdentifiedAtAssessment></Assessments>"
        )
    for start, end in cin_plans:
        parts.append(
            f"<CINPlanDates><CINPlanStartDate>{start}</CINPlanStartDate>"
            + (f"<CINPlanEndDate>{end}</CINPlanEndDate>" if end else "")
            + "</CINPlanDates>"
        )
    parts += enquiries
    parts.append("<ReferralNFA>false</ReferralNFA>")
    parts += plans
    return "<CINdetails>" + "".join(parts) + "</CINdetails>"


def child(child_id, *episodes, birth="2015-06-01", sex="2", sex_tag="GenderCurrent", death=None, disabilities=()):
    ids = f"<LAchildID>{child_id}</LAchildID>"
    if birth:
        ids += f"<PersonBirthDate>{birth}</PersonBirthDate>"
    ids += f"<{sex_tag}>{sex}</{sex_tag}>"
    if death:
        ids += f"<PersonDeathDate>{death}</PersonDeathDate>"
    characteristics = "<Ethnicity>WBRI</Ethnicity>"
    if disabilities:
        characteristics += (
            "<Disabilities>" + "".join(f"<Disability>{d}</Disability>" for d in disabilities) + "</Disabilities>"
        )
    return (
        f"<Child><ChildIdentifiers>{ids}</ChildIdentifiers>"
        f"<ChildCharacteristics>{characteristics}</ChildCharacteristics>" + "".join(episodes) + "</Child>"
    )


def census(*children, reference="2025-03-31"):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection>'
        f"<Year>{reference[:4]}</Year><ReferenceDate>{reference}</ReferenceDate></CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>801</LEA></Source></Header><Children>\n"
        + "\n".join(children)
        + "\n</Children></Message>\n"
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
