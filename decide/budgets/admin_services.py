"""Every write of the budgets' administration and valuation pages. One transaction each; a
refusal is a DomainError with a translated message naming the form field; every change is
audited (`decide.audit.services.record`) with what it was before and after.

Rules chosen here (as CONSUL where it has one):
- The voting style, hidden prices and the allocation rule change only before balloting starts:
  they decide how ballots are cast and counted.
- An alliance heading's amount is the sum of its member cities' contributions when any city
  contributes (a typed amount must then equal it), so the money shown per city always adds
  up; a heading no city contributes to has the amount typed, as in a city.
- Switching a budget to approval needs every heading's number of projects a person may pick.
- A heading or group that holds projects cannot be deleted: the projects would go with it.
- A project can be selected (goes to the ballot) only when it is feasible, its valuation is
  finished and it is not withdrawn, and only until balloting starts (ballots are made of
  selected projects). Reopening a valuation, or finding a project not feasible, unselects it.
  Incompatible projects (CONSUL: kept off the ballot and the winners) may be marked until the
  results are published.
- Finishing a valuation needs a feasibility; a feasible one needs a price and an unfeasible one
  its public explanation. Once finished, only administrators may change it (valuators see it
  read-only), as CONSUL. Finishing an unfeasible valuation tells the author.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from decide.audit.services import record
from decide.budgets import admin_queries, phases
from decide.budgets.models import (
    ALLOCATION_RULES,
    FEASIBILITY,
    PHASES,
    VOTING_STYLES,
    Budget,
    BudgetGroup,
    BudgetHeading,
    BudgetPhase,
    HeadingContribution,
    Project,
    ProjectValuator,
    ValuationNote,
)
from decide.budgets.permissions import is_admin
from decide.core.db import commit_unique, locked, utcnow
from decide.core.errors import DomainError
from decide.core.modules import NotificationKind
from decide.extensions import db
from decide.notifications.services import Event, notify

UNFEASIBLE_KIND = "budget_project_unfeasible"


def _describe_unfeasible(count: int, actor: str, title: str) -> str:
    return _("Your project “%(title)s” was found not feasible: read why", title=title)


NOTIFICATION_KINDS = (
    NotificationKind(UNFEASIBLE_KIND, _l("A project I submitted to a budget is found not "
                                         "feasible"), describe=_describe_unfeasible),
)


# Budgets ------------------------------------------------------------------------------------

def _check_texts(space: Any, names: dict[str, str], field: str = "name") -> None:
    """The default locale's name is required; only the space's locales are stored."""
    unknown = set(names) - set(space.locales)
    if unknown:
        raise DomainError(_("Texts can only be given in this space's languages."), field=field)
    if not names.get(space.default_locale):
        raise DomainError(_("Give at least the name in the space's main language."),
                          field=f"{field}_{space.default_locale}")


def _check_settings(voting_style: str, hide_money: bool, rule: str, min_votes: int) -> None:
    if voting_style not in VOTING_STYLES:
        raise DomainError(_("Choose a voting style from the list."), field="voting_style")
    if hide_money and voting_style != "approval":
        raise DomainError(_("Prices can only be hidden on approval ballots."),
                          field="hide_money")
    if rule not in ALLOCATION_RULES:
        raise DomainError(_("Choose a way of choosing winners from the list."),
                          field="allocation_rule")
    if min_votes < 0:
        raise DomainError(_("Enter a number of at least %(min)s.", min=0), field="min_votes")


def create_budget(user: Any, space: Any, *, names: dict[str, str],
                  descriptions: dict[str, str], voting_style: str, hide_money: bool,
                  allocation_rule: str, min_votes: int) -> Budget:
    """A new, unpublished budget in its first phase, with its nine phases switched on; the
    currency is the space's."""
    _check_texts(space, names)
    _check_settings(voting_style, hide_money, allocation_rule, min_votes)
    budget = Budget(space_id=space.id, names=names, descriptions=descriptions,
                    currency=space.currency, voting_style=voting_style, hide_money=hide_money,
                    allocation_rule=allocation_rule, min_votes=min_votes, phase=PHASES[0])
    budget.phases = [BudgetPhase(kind=kind, position=i, enabled=True, summaries={},
                                 descriptions={}) for i, kind in enumerate(PHASES)]
    db.session.add(budget)
    db.session.flush()
    record(user, space.id, "budgets.create", None, budget_id=budget.id, names=names,
           voting_style=voting_style, allocation_rule=allocation_rule)
    db.session.commit()
    return budget


def update_budget(user: Any, budget: Budget, *, names: dict[str, str],
                  descriptions: dict[str, str], voting_style: str, hide_money: bool,
                  allocation_rule: str, min_votes: int) -> None:
    space = budget.space
    _check_texts(space, names)
    _check_settings(voting_style, hide_money, allocation_rule, min_votes)
    counting = {"voting_style": voting_style, "hide_money": hide_money,
                "allocation_rule": allocation_rule, "min_votes": min_votes}
    if not phases.before_balloting(budget.phase):
        for name, value in counting.items():
            if getattr(budget, name) != value:
                raise DomainError(_("Voting has started: the voting style and the way winners "
                                    "are chosen can no longer change."), field=name,
                                  status=409)
    if voting_style == "approval" and budget.voting_style != "approval" and db.session.scalar(
            select(BudgetHeading.id).where(BudgetHeading.budget_id == budget.id,
                                           BudgetHeading.max_projects.is_(None)).limit(1)):
        raise DomainError(_("Before switching to approval, give every heading the number of "
                            "projects a person may pick."), field="voting_style", status=409)
    new = {"names": names, "descriptions": descriptions, **counting}
    before = {k: getattr(budget, k) for k, value in new.items() if getattr(budget, k) != value}
    if not before:
        return
    for name, value in new.items():
        setattr(budget, name, value)
    record(user, budget.space_id, "budgets.update", None, budget_id=budget.id,
           before=before, after={k: new[k] for k in before})
    db.session.commit()


def set_published(user: Any, budget: Budget, publish: bool) -> None:
    """Publish (everyone sees it) or unpublish (administrators only)."""
    if budget.is_published == publish:
        return
    before = budget.published_at.isoformat() if budget.published_at else None
    budget.published_at = utcnow() if publish else None
    record(user, budget.space_id, "budgets.publish" if publish else "budgets.unpublish", None,
           budget_id=budget.id, before=before,
           after=budget.published_at.isoformat() if budget.published_at else None)
    db.session.commit()


# Phases -------------------------------------------------------------------------------------

def update_phase(user: Any, budget: Budget, phase: BudgetPhase, *, enabled: bool,
                 starts_on: date | None, ends_on: date | None, summaries: dict[str, str],
                 descriptions: dict[str, str]) -> None:
    if set(summaries) - set(budget.space.locales) or \
            set(descriptions) - set(budget.space.locales):
        raise DomainError(_("Texts can only be given in this space's languages."))
    if phases.dates_problem(starts_on, ends_on):
        raise DomainError(_("The phase cannot end before it starts."), field="ends_on")
    if not enabled:
        enabled_after = [p.kind for p in budget.phases if p.enabled and p.kind != phase.kind]
        problem = phases.disable_problem(phase.kind, budget.phase, enabled_after)
        if problem == "current":
            raise DomainError(_("The budget is in this phase: move it to another phase "
                                "before switching this one off."), field="enabled", status=409)
        if problem == "last":
            raise DomainError(_("At least one phase must take place."), field="enabled",
                              status=409)
    new = {"enabled": enabled, "starts_on": starts_on, "ends_on": ends_on,
           "summaries": summaries, "descriptions": descriptions}
    before = {k: getattr(phase, k) for k, value in new.items() if getattr(phase, k) != value}
    if not before:
        return
    for name, value in new.items():
        setattr(phase, name, value)
    record(user, budget.space_id, "budgets.phase_update", None, budget_id=budget.id,
           phase=phase.kind, before=_plain(before), after=_plain({k: new[k] for k in before}))
    db.session.commit()


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Dates as text, for the audit record's JSON."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def move_phase(user: Any, budget: Budget, target: str) -> None:
    """Put the budget in phase `target` (an enabled one; forwards, or back to correct)."""
    locked_budget = locked(Budget, budget.id, budget.space)
    enabled = [p.kind for p in locked_budget.phases if p.enabled]
    problem = phases.move_problem(locked_budget.phase, target, enabled)
    if problem == "unknown":
        raise DomainError(_("Choose a phase from the list."), field="phase")
    if problem == "same":
        raise DomainError(_("The budget is already in this phase."), field="phase", status=409)
    if problem == "disabled":
        raise DomainError(_("This phase is switched off: switch it on first."), field="phase",
                          status=409)
    before = locked_budget.phase
    locked_budget.phase = target
    record(user, budget.space_id, "budgets.phase_move", None, budget_id=budget.id,
           before=before, after=target)
    db.session.commit()


# Groups and headings ------------------------------------------------------------------------

def save_group(user: Any, budget: Budget, group: BudgetGroup | None, *,
               names: dict[str, str], max_headings: int) -> BudgetGroup:
    _check_texts(budget.space, names)
    if max_headings < 1:
        raise DomainError(_("Enter a number of at least %(min)s.", min=1), field="max_headings")
    new = {"names": names, "max_headings": max_headings}
    if group is None:
        position = len(budget.groups)
        group = BudgetGroup(budget_id=budget.id, position=position, **new)
        db.session.add(group)
        db.session.flush()
        record(user, budget.space_id, "budgets.group_create", None, budget_id=budget.id,
               group_id=group.id, after=new)
    else:
        before = {k: getattr(group, k) for k, value in new.items() if getattr(group, k) != value}
        if not before:
            return group
        for name, value in new.items():
            setattr(group, name, value)
        record(user, budget.space_id, "budgets.group_update", None, budget_id=budget.id,
               group_id=group.id, before=before, after={k: new[k] for k in before})
    db.session.commit()
    return group


def delete_group(user: Any, budget: Budget, group: BudgetGroup) -> None:
    if db.session.scalar(select(Project.id).where(Project.group_id == group.id).limit(1)):
        raise DomainError(_("This group's headings hold projects: it cannot be deleted."),
                          status=409)
    record(user, budget.space_id, "budgets.group_delete", None, budget_id=budget.id,
           group_id=group.id, before={"names": group.names})
    db.session.delete(group)
    db.session.commit()


def save_heading(user: Any, budget: Budget, group: BudgetGroup, heading: BudgetHeading | None,
                 *, names: dict[str, str], amount: int | None, geozone_id: int | None,
                 population: int | None, max_projects: int | None, min_projects: int | None,
                 min_percent: int | None,
                 contributions: dict[int, int | None] | None = None) -> BudgetHeading:
    """Create or change a heading. In an alliance `contributions` ({city id: amount or None})
    set the amount when any is given (their sum; a typed amount must equal it); otherwise, and
    in a city, `amount` is required."""
    space = budget.space
    _check_texts(space, names)
    if contributions is not None:
        members = {c.id for c in admin_queries.member_cities(space)}
        if set(contributions) - members:
            raise DomainError(_("Only member cities can contribute."))
        if any(v is not None and v < 0 for v in contributions.values()):
            raise DomainError(_("Enter a number of at least %(min)s.", min=0))
        given = [v for v in contributions.values() if v is not None]
        if given:
            total = sum(given)
            if amount is not None and amount != total:
                raise DomainError(_("The amount must be the sum of the contributions "
                                    "(%(total)s), or be left empty.", total=total),
                                  field="amount")
            amount = total
    if amount is None:
        raise DomainError(_("This field is required."), field="amount")
    if amount < 0:
        raise DomainError(_("Enter a number of at least %(min)s.", min=0), field="amount")
    if geozone_id is not None and geozone_id not in {z.id for z in admin_queries.geozones(space)}:
        raise DomainError(_("Choose a district from the list."), field="geozone_id")
    if min_percent is not None and not 0 <= min_percent <= 100:
        raise DomainError(_("Enter a number from 0 to 100."), field="min_percent")
    if budget.voting_style == "approval" and max_projects is None:
        raise DomainError(_("Approval budgets need the number of projects a person may pick."),
                          field="max_projects")
    if max_projects is not None and min_projects is not None and min_projects > max_projects:
        raise DomainError(_("The minimum cannot be more than the projects a person may pick."),
                          field="min_projects")
    new = {"names": names, "amount": amount, "geozone_id": geozone_id,
           "population": population, "max_projects": max_projects,
           "min_projects": min_projects, "min_percent": min_percent}
    if heading is None:
        heading = BudgetHeading(budget_id=budget.id, group_id=group.id,
                                position=len(group.headings), **new)
        db.session.add(heading)
        db.session.flush()
        before: dict[str, Any] = {}
        action = "budgets.heading_create"
    else:
        before = {k: getattr(heading, k) for k, value in new.items()
                  if getattr(heading, k) != value}
        for name, value in new.items():
            setattr(heading, name, value)
        action = "budgets.heading_update"
    changed_contributions = _set_contributions(heading, contributions)
    if heading.id and not before and not changed_contributions and action.endswith("update"):
        return heading
    record(user, budget.space_id, action, None, budget_id=budget.id, heading_id=heading.id,
           before=before, after={k: new[k] for k in (before or new)},
           contributions=changed_contributions or None)
    db.session.commit()
    return heading


def _set_contributions(heading: BudgetHeading,
                       contributions: dict[int, int | None] | None) -> dict[str, Any]:
    """Store the member cities' contributions (an empty one removes the city's row). Returns
    {city id: [before, after]} for what changed."""
    if contributions is None:
        return {}
    current = {c.city_id: c for c in heading.contributions}
    changed: dict[str, Any] = {}
    for city_id, value in contributions.items():
        row = current.get(city_id)
        if value is None:
            if row is not None:
                changed[str(city_id)] = [row.amount, None]
                heading.contributions.remove(row)
        elif row is None:
            heading.contributions.append(HeadingContribution(city_id=city_id, amount=value))
            changed[str(city_id)] = [None, value]
        elif row.amount != value:
            changed[str(city_id)] = [row.amount, value]
            row.amount = value
    return changed


def delete_heading(user: Any, budget: Budget, heading: BudgetHeading) -> None:
    if db.session.scalar(select(Project.id).where(Project.heading_id == heading.id).limit(1)):
        raise DomainError(_("This heading holds projects: it cannot be deleted. Move or "
                            "withdraw its projects first."), status=409)
    record(user, budget.space_id, "budgets.heading_delete", None, budget_id=budget.id,
           heading_id=heading.id, before={"names": heading.names, "amount": heading.amount})
    db.session.delete(heading)
    db.session.commit()


# Projects: valuators and decisions -----------------------------------------------------------

def assign_valuator(user: Any, project: Project, valuator_id: int) -> None:
    if not admin_queries.is_valuator(project.space, valuator_id):
        raise DomainError(_("Choose a person with the valuator role here."), field="user_id")
    db.session.add(ProjectValuator(project_id=project.id, user_id=valuator_id))
    record(user, project.space_id, "budgets.valuator_assign", project, project_id=project.id,
           valuator_id=valuator_id)
    commit_unique(_l("This valuator is already assigned to the project."))


def unassign_valuator(user: Any, project: Project, valuator_id: int) -> None:
    removed = db.session.execute(delete(ProjectValuator).where(
        ProjectValuator.project_id == project.id, ProjectValuator.user_id == valuator_id))
    if not removed.rowcount:
        raise DomainError(_("This valuator is not assigned to the project."), status=404)
    record(user, project.space_id, "budgets.valuator_unassign", project, project_id=project.id,
           valuator_id=valuator_id)
    db.session.commit()


def selection_problem(project: Project) -> str | None:
    """Why `project` cannot be selected now (a translated sentence), or None."""
    if project.is_withdrawn:
        return _("The author withdrew this project.")
    if project.feasibility != "feasible" or project.valuation_finished_at is None:
        return _("Only feasible projects whose valuation is finished can be selected.")
    if project.incompatible:
        return _("An incompatible project cannot be selected.")
    return None


def set_decision(user: Any, project: Project, decision: str, value: bool) -> None:
    """Mark or unmark `project` as selected or incompatible (see the rules at the top)."""
    project = locked(Project, project.id, project.space)
    budget = project.budget
    if decision == "selected":
        if not phases.before_balloting(budget.phase):
            raise DomainError(_("Voting has started: the selection can no longer change."),
                              status=409)
        if value and (problem := selection_problem(project)):
            raise DomainError(problem, status=409)
    elif decision == "incompatible":
        if budget.results_published_at is not None:
            raise DomainError(_("The results are published: this can no longer change."),
                              status=409)
    else:
        raise DomainError(_("Choose what to change from the page."))
    before = getattr(project, decision)
    if before == value:
        return
    setattr(project, decision, value)
    if decision == "incompatible" and value and project.selected and \
            phases.before_balloting(budget.phase):
        project.selected = False  # an incompatible project stays off the ballot
    record(user, project.space_id, f"budgets.project_{decision}", project,
           project_id=project.id, before=before, after=value)
    db.session.commit()


# Valuation ----------------------------------------------------------------------------------

def valuate(user: Any, project: Project, *, feasibility: str, unfeasibility_explanation: str,
            price: int | None, price_explanation: str, price_first_year: int | None,
            duration: str, finished: bool) -> None:
    """Record a valuation (see the rules at the top); tells the author when an unfeasible one
    is finished."""
    project = locked(Project, project.id, project.space)
    space = project.space
    if project.valuation_finished_at is not None and not is_admin(user, space):
        raise DomainError(_("This valuation is finished: only an administrator can change "
                            "it."), status=409)
    if feasibility not in FEASIBILITY:
        raise DomainError(_("Choose feasible, not feasible or not decided yet."),
                          field="feasibility")
    explanation = unfeasibility_explanation.strip()
    if feasibility == "unfeasible" and not explanation:
        raise DomainError(_("Explain why the project is not feasible: the author and the "
                            "public will read it."), field="unfeasibility_explanation")
    for name, value in (("price", price), ("price_first_year", price_first_year)):
        if value is not None and value < 0:
            raise DomainError(_("Enter a number of at least %(min)s.", min=0), field=name)
    if finished and feasibility == "undecided":
        raise DomainError(_("Say whether the project is feasible before finishing the "
                            "valuation."), field="feasibility")
    if finished and feasibility == "feasible" and price is None:
        raise DomainError(_("A feasible project needs its price before the valuation is "
                            "finished."), field="price")
    new = {"feasibility": feasibility,
           "unfeasibility_explanation": explanation if feasibility == "unfeasible" else None,
           "price": price, "price_explanation": price_explanation.strip() or None,
           "price_first_year": price_first_year, "duration": duration.strip() or None}
    was_finished = project.valuation_finished_at is not None
    was_unfeasible_finished = was_finished and project.feasibility == "unfeasible"
    before = {k: getattr(project, k) for k, value in new.items()
              if getattr(project, k) != value}
    after = {k: new[k] for k in before}
    if finished != was_finished:
        before["finished"], after["finished"] = was_finished, finished
    if not before:
        return
    for name, value in new.items():
        setattr(project, name, value)
    project.valuation_finished_at = (project.valuation_finished_at or utcnow()) if finished \
        else None
    if project.selected and selection_problem(project):
        project.selected = False
        before["selected"], after["selected"] = True, False
    record(user, space.id, "budgets.valuate", project, project_id=project.id,
           before=before, after=after)
    db.session.commit()
    if finished and feasibility == "unfeasible" and not was_unfeasible_finished:
        notify(Event(recipient_ids=(project.author_id,), kind=UNFEASIBLE_KIND,
                     space_id=space.id, item_type="budget_project", item_id=project.id,
                     actor_id=user.id, title=project.title, excerpt=explanation[:300],
                     link_type="budget_project", link_id=project.id))


def add_note(user: Any, project: Project, body: str) -> ValuationNote:
    text = body.strip()
    if not text:
        raise DomainError(_("This field is required."), field="body")
    note = ValuationNote(project_id=project.id, author_id=user.id, body=text)
    db.session.add(note)
    db.session.flush()
    record(user, project.space_id, "budgets.valuation_note", project, project_id=project.id,
           note_id=note.id)
    db.session.commit()
    return note
