"""The DfE Children in Need census code lists the app relies on.

Source: ../shared/reference/cin-codes.md. Codes are stored as the census writes them, so that an
import and an export round-trip without translation.
"""

CATEGORIES_OF_ABUSE = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple / not recommended",
}

# Ofsted Annex A list 7 writes the categories with a letter in front.
ANNEX_A_CATEGORY = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}

_FACTOR_TOPICS = {
    "1": "Alcohol misuse",
    "2": "Drug misuse",
    "3": "Domestic abuse",
    "4": "Mental health",
    "5": "Learning disability",
    "6": "Physical disability or illness",
}
_SUFFIX = {"A": "the child", "B": "parent or carer", "C": "another person in the household"}

ASSESSMENT_FACTORS = {
    f"{number}{suffix}": f"{topic}: {who}"
    for number, topic in _FACTOR_TOPICS.items()
    for suffix, who in _SUFFIX.items()
}
ASSESSMENT_FACTORS.update(
    {
        "7A": "Young carer",
        "8B": "Privately fostered: overseas child, parents intend to return",
        "8C": "Privately fostered: overseas child, parents intend to stay",
        "8D": "Privately fostered: UK child in education or training",
        "8E": "Privately fostered: UK child, parents' study or work",
        "8F": "Privately fostered: other",
        "9A": "Unaccompanied asylum-seeking child",
        "10A": "Going missing",
        "11A": "Child sexual exploitation",
        "12A": "Trafficking",
        "13A": "Gangs",
        "14A": "Socially unacceptable behaviour",
        "15A": "Self-harm",
        "16A": "Neglect",
        "17A": "Emotional abuse",
        "18B": "Physical abuse by a child",
        "18C": "Physical abuse by an adult",
        "19B": "Sexual abuse by a child",
        "19C": "Sexual abuse by an adult",
        "20": "Other",
        "21": "No factors identified",
        "22A": "Female genital mutilation",
        "23A": "Abuse linked to faith or belief",
        "24A": "Child criminal exploitation",
    }
)

# Codes valid only in some collection years (a year is named by the 31 March that ends it).
# 18A and 19A were split into 18B/18C and 19B/19C from the 2023-24 return; a return of 2022-23
# or before may still carry them.
RETIRED_ASSESSMENT_FACTORS = {
    "18A": "Physical abuse (before 2023-24)",
    "19A": "Sexual abuse (before 2023-24)",
}
LAST_YEAR_OF_RETIRED_FACTORS = 2023

# Census Sex / GenderCurrent codes. GenderCurrent (and Sex in older files) uses the numbers; from
# the 2024-25 collection the DfE's codes for Sex are M, F and U (rule 4180).
NUMBERED_SEX = {"0": "Not known", "1": "Male", "2": "Female", "9": "Not specified"}
LETTERED_SEX = {"M": "Male", "F": "Female", "U": "Unknown"}
FIRST_YEAR_OF_LETTERED_SEX = 2025
SEX = {**NUMBERED_SEX, **LETTERED_SEX}


def collection_year(reference_date) -> int | None:
    """The collection year of a return, named by the 31 March that ends it (2025 for 2024-25)."""
    if reference_date is None:
        return None
    return reference_date.year if (reference_date.month, reference_date.day) <= (3, 31) else reference_date.year + 1


def assessment_factors_in(year: int | None) -> dict[str, str]:
    """The assessment factor codes valid in a collection year (today's list when not known)."""
    if year is not None and year <= LAST_YEAR_OF_RETIRED_FACTORS:
        return {**ASSESSMENT_FACTORS, **RETIRED_ASSESSMENT_FACTORS}
    return ASSESSMENT_FACTORS


def sex_codes_in(year: int | None) -> dict[str, str]:
    """The Sex / GenderCurrent codes valid in a collection year: the numbers in every year (the
    2024 schema's GenderCurrent still uses them), and M, F and U from 2024-25."""
    if year is not None and year >= FIRST_YEAR_OF_LETTERED_SEX:
        return SEX
    return NUMBERED_SEX


# Any code a stored plan may hold: the codes of every year the app imports.
EVERY_ASSESSMENT_FACTOR = {**ASSESSMENT_FACTORS, **RETIRED_ASSESSMENT_FACTORS}

CATEGORY_CHOICES = sorted(CATEGORIES_OF_ABUSE.items())
FACTOR_CHOICES = sorted(ASSESSMENT_FACTORS.items(), key=lambda item: (int(item[0].rstrip("ABCDEF")), item[0]))
SEX_CHOICES = list(SEX.items())

# England, DfE Children in need table D3, year to 31 March 2025.
NATIONAL_REPEAT_RATE_2025 = 24.5


def name_of(code: str) -> str:
    """A category of abuse or an assessment factor (their codes never collide), by its census name."""
    return CATEGORIES_OF_ABUSE.get(code) or EVERY_ASSESSMENT_FACTOR.get(code) or code


def names_of(codes) -> str:
    """A list of codes as "Neglect, Domestic abuse: parent or carer"; an unknown code is shown as it is."""
    return ", ".join(name_of(str(code)) for code in codes or [])
