"""Forms of the budgets' administration and valuation pages.

Numbers and dates are typed as text and checked here, so that "abc" or "-5" keeps what was
typed and gets a message in the reader's language (a browser number input would drop it).
Texts an administrator writes per language (names, descriptions, phase summaries) get one
field per locale of the space, built when the page asks (`with_locales`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from decide.budgets.models import (
    ALLOCATION_RULES,
    DESCRIPTION_MAX,
    EXPLANATION_MAX,
    FEASIBILITY,
    MONEY_MAX,
    NAME_MAX,
    PHASES,
    VOTING_STYLES,
)
from decide.translations.queries import language_name

REQUIRED = _l("This field is required.")
TOO_LONG = _l("Use at most %(max)d characters.")
SUMMARY_MAX = 300
DURATION_MAX = 120
NOTE_MAX = 5_000
POPULATION_MAX = 10**9
SMALL_MAX = 32_767  # SMALLINT columns (max_headings, max/min projects)

PHASE_LABELS: dict[str, Any] = {
    "informing": _l("Informing"),
    "accepting": _l("Accepting projects"),
    "reviewing": _l("Reviewing projects"),
    "selecting": _l("Selecting projects"),
    "valuating": _l("Valuating projects"),
    "publishing_prices": _l("Publishing prices"),
    "balloting": _l("Voting"),
    "reviewing_ballots": _l("Reviewing votes"),
    "finished": _l("Finished"),
}
assert set(PHASE_LABELS) == set(PHASES)

VOTING_STYLE_LABELS: dict[str, Any] = {
    "knapsack": _l("Knapsack: each person spends up to the heading's money"),
    "approval": _l("Approval: each person picks up to a number of projects"),
}
assert set(VOTING_STYLE_LABELS) == set(VOTING_STYLES)

# What each rule does, in plain words, for the administrator who picks it.
RULE_LABELS: dict[str, Any] = {
    "greedy": _l("Most votes first (as CONSUL)"),
    "greedy-no-skip": _l("Most votes first, stopping at the first project that does not fit"),
    "greedy-threshold": _l("Most votes first, only projects with a minimum of votes"),
    "equalshares": _l("Method of Equal Shares"),
    "equalshares/add1": _l("Method of Equal Shares, completed (Add1)"),
    "equalshares/add1-comparison": _l("Method of Equal Shares, completed and compared with "
                                      "most votes first"),
}
RULE_EXPLANATIONS: dict[str, Any] = {
    "greedy": _l("Projects are funded in order of votes; a project that does not fit in the "
                 "money left is skipped and the next one is tried."),
    "greedy-no-skip": _l("Projects are funded in order of votes until one does not fit in the "
                         "money left; nothing after it is funded."),
    "greedy-threshold": _l("Like “most votes first”, but only projects with at least the "
                           "minimum number of votes below can be funded."),
    "equalshares": _l("The money is split equally among voters; a project is funded when its "
                      "voters can pay for it together, so every group of voters gets projects "
                      "in proportion to its size. Some money may be left over."),
    "equalshares/add1": _l("Equal Shares, then each voter's share is raised by one unit at a "
                           "time while the outcome still fits, so less money is left over "
                           "(as in Świecie and Wieliczka)."),
    "equalshares/add1-comparison": _l("Equal Shares completed with Add1, then compared with "
                                      "“most votes first”: if a majority of voters prefer the "
                                      "latter's outcome, it is used (as in Assen)."),
}
assert set(RULE_LABELS) == set(ALLOCATION_RULES) == set(RULE_EXPLANATIONS)

FEASIBILITY_LABELS: dict[str, Any] = {
    "undecided": _l("Not decided yet"),
    "feasible": _l("Feasible"),
    "unfeasible": _l("Not feasible"),
}
assert set(FEASIBILITY_LABELS) == set(FEASIBILITY)


def whole_number(minimum: int = 0, maximum: int = MONEY_MAX) -> Any:
    """A validator: a whole number from `minimum` to `maximum`, kept in `field.parsed` (None
    when the field is empty; DataRequired decides whether it may be)."""

    def check(form: FlaskForm, field: Field) -> None:
        text = (field.data or "").strip().replace(" ", "")
        field.parsed = None
        if not text:
            return
        digits = text[1:] if text[0] in "+-" else text
        if not digits.isdecimal() or not digits.isascii() or len(digits) > 18:
            raise ValidationError(_l("Enter a whole number, e.g. %(example)s.",
                                     example=minimum if minimum > 0 else 1500))
        value = int(text)
        if value < minimum:
            raise ValidationError(_l("Enter a number of at least %(min)s.", min=minimum))
        if value > maximum:
            raise ValidationError(_l("Enter a number of at most %(max)s.", max=maximum))
        field.parsed = value

    return check


def optional_date(form: FlaskForm, field: Field) -> None:
    """YYYY-MM-DD (what date inputs send) or nothing; kept in `field.parsed`."""
    text = (field.data or "").strip()
    field.parsed = None
    if not text:
        return
    try:
        field.parsed = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_l("Enter a date like 2027-03-31.")) from None


def number_field(label: Any, description: Any = None, *, minimum: int = 0,
                 maximum: int = MONEY_MAX, required: bool = False) -> StringField:
    validators = [DataRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*validators, whole_number(minimum, maximum)],
                       description=description, render_kw={"inputmode": "numeric"})


def with_locales(form_class: type[FlaskForm], locales: list[str], default_locale: str,
                 fields: dict[str, tuple[Any, bool, int]], **kwargs: Any) -> FlaskForm:
    """An instance of `form_class` with one field per locale for each entry of `fields`:
    {"name": (label, textarea, max length)} gives `name_es`, `name_en`...; the default
    locale's first entry is required. `form.locale_fields` lists them for the template as
    (locale, language name, [fields])."""
    attrs: dict[str, Any] = {}
    first = next(iter(fields))
    for locale in locales:
        for prefix, (label, textarea, maximum) in fields.items():
            required = locale == default_locale and prefix == first
            validators = [DataRequired(REQUIRED) if required else Optional(),
                          Length(max=maximum, message=TOO_LONG)]
            kind = TextAreaField if textarea else StringField
            render = {"rows": 4, "lang": locale.replace("_", "-")} if textarea \
                else {"lang": locale.replace("_", "-")}
            attrs[f"{prefix}_{locale}"] = kind(
                _l("%(label)s (%(language)s)", label=label, language=language_name(locale)),
                validators=validators, render_kw=render)
    built = type(form_class.__name__, (form_class,), attrs)
    form = built(**kwargs)
    form.locale_fields = [(loc, language_name(loc), [form[f"{p}_{loc}"] for p in fields])
                          for loc in locales]
    form.locale_prefixes = tuple(fields)
    return form


def translations_of(form: FlaskForm, prefix: str) -> dict[str, str]:
    """{"es": ..., "en": ...} from the per-locale fields `prefix_<locale>` (empty ones left out)."""
    texts = {}
    for locale, _name, _fields in form.locale_fields:
        value = (form[f"{prefix}_{locale}"].data or "").strip()
        if value:
            texts[locale] = value
    return texts


def fill_translations(form: FlaskForm, prefix: str, texts: dict[str, str] | None) -> None:
    """Put stored per-locale texts into the form (for a GET)."""
    for locale, _name, _fields in form.locale_fields:
        form[f"{prefix}_{locale}"].data = (texts or {}).get(locale, "")


NAME_FIELDS = {"name": (_l("Name"), False, NAME_MAX),
               "description": (_l("Description"), True, DESCRIPTION_MAX)}
GROUP_FIELDS = {"name": (_l("Name"), False, NAME_MAX)}
PHASE_FIELDS = {"summary": (_l("Summary"), True, SUMMARY_MAX),
                "description": (_l("Description"), True, DESCRIPTION_MAX)}


class BudgetForm(FlaskForm):
    # Choices are checked by the service, with a message naming the list (validate_choice off).
    voting_style = RadioField(_l("Voting style"), choices=list(VOTING_STYLE_LABELS.items()),
                              default="knapsack", validate_choice=False,
                              validators=[DataRequired(REQUIRED)])
    hide_money = BooleanField(_l("Hide prices on approval ballots"),
                              description=_l("Only for the approval style: people choose "
                                             "projects without seeing what they cost."))
    allocation_rule = RadioField(_l("How winners are chosen"),
                                 choices=list(RULE_LABELS.items()), default="greedy",
                                 validate_choice=False, validators=[DataRequired(REQUIRED)])
    min_votes = number_field(_l("Minimum votes to win"),
                             _l("Only for “most votes first, only projects with a minimum of "
                                "votes”. A whole number, 0 or more."), maximum=10**9)


class PublishForm(FlaskForm):
    publish = HiddenField(validators=[DataRequired()])


class PhaseForm(FlaskForm):
    enabled = BooleanField(_l("This phase takes place"),
                           description=_l("Switched-off phases are skipped and not shown to "
                                          "the public."))
    starts_on = StringField(_l("Starts on"), validators=[optional_date],
                            render_kw={"type": "date"},
                            description=_l("Year, month and day, e.g. 2027-03-01. Optional."))
    ends_on = StringField(_l("Ends on"), validators=[optional_date],
                          render_kw={"type": "date"},
                          description=_l("Shown to the public as the last day. Optional."))


class MovePhaseForm(FlaskForm):
    phase = SelectField(_l("Move the budget to"), choices=[], validate_choice=False,
                        validators=[DataRequired(REQUIRED)])


class GroupForm(FlaskForm):
    max_headings = number_field(
        _l("Headings a person may support in"),
        _l("In how many of this group's headings a person may support projects (1 or more). "
           "On the ballot a person always votes in one heading of each group."),
        minimum=1, maximum=SMALL_MAX, required=True)


class HeadingForm(FlaskForm):
    amount = number_field(_l("Amount"), _l("Whole units of the currency, 0 or more."),
                          maximum=MONEY_MAX)
    geozone_id = SelectField(_l("District"), choices=[], validate_choice=False)
    population = number_field(_l("Population (optional)"),
                              _l("People living in the heading's area, shown to the public."),
                              maximum=POPULATION_MAX)
    max_projects = number_field(_l("Projects a person may pick (approval)"),
                                _l("Approval budgets: how many projects a ballot may hold in "
                                   "this heading. Required for the approval style."),
                                minimum=1, maximum=SMALL_MAX)
    min_projects = number_field(_l("Minimum projects on a ballot (optional)"),
                                _l("A ballot must hold at least this many projects of the "
                                   "heading to count."), minimum=1, maximum=SMALL_MAX)
    min_percent = number_field(_l("Minimum share of the money (optional)"),
                               _l("A ballot must use at least this percentage of the "
                                  "heading's amount, from 0 to 100."), maximum=100)


def heading_form_class(contribution_cities: list[Any]) -> type[HeadingForm]:
    """The heading form; alliances get one contribution field per member city,
    `contribution_<city id>` (the heading's amount is then their sum, see
    `admin_services.save_heading`)."""
    if not contribution_cities:
        return HeadingForm
    attrs = {f"contribution_{city.id}": number_field(
        _l("Contribution of %(city)s", city=city.name),
        _l("Whole units of the currency, 0 or more."), maximum=MONEY_MAX)
        for city in contribution_cities}
    return type("HeadingForm", (HeadingForm,), attrs)


class AssignValuatorForm(FlaskForm):
    user_id = SelectField(_l("Valuator"), choices=[], validate_choice=False,
                          validators=[DataRequired(REQUIRED)])


class DecisionForm(FlaskForm):
    """Mark or unmark a project as selected (goes to the ballot) or incompatible."""

    decision = HiddenField(validators=[DataRequired()])
    value = HiddenField(validators=[DataRequired()])


class ValuationForm(FlaskForm):
    feasibility = RadioField(_l("Feasibility"), choices=list(FEASIBILITY_LABELS.items()),
                             default="undecided", validate_choice=False,
                             validators=[DataRequired(REQUIRED)])
    unfeasibility_explanation = TextAreaField(
        _l("Why it is not feasible"),
        validators=[Length(max=EXPLANATION_MAX, message=TOO_LONG)],
        description=_l("Required when the project is not feasible. It is public: the author "
                       "and everyone will read it."),
        render_kw={"rows": 4})
    price = number_field(_l("Price"), _l("Whole units of the currency, 0 or more. Public."))
    price_explanation = TextAreaField(
        _l("How the price was worked out"),
        validators=[Length(max=EXPLANATION_MAX, message=TOO_LONG)],
        description=_l("Public."), render_kw={"rows": 3})
    price_first_year = number_field(_l("Cost in the first year"),
                                    _l("Whole units of the currency, 0 or more. Optional."))
    duration = StringField(_l("Duration"),
                           validators=[Length(max=DURATION_MAX, message=TOO_LONG)],
                           description=_l("How long carrying it out would take, e.g. "
                                          "“6 months”."))
    finished = BooleanField(_l("Valuation finished"),
                            description=_l("When it is finished, feasibility and price are "
                                           "public; the author of a project that is not "
                                           "feasible is told why."))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"),
                         validators=[DataRequired(REQUIRED),
                                     Length(max=NOTE_MAX, message=TOO_LONG)],
                         description=_l("Only valuators and administrators see these notes."),
                         render_kw={"rows": 3})


class EmptyForm(FlaskForm):
    """Just the CSRF token, for buttons (delete, remove)."""
