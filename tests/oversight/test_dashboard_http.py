"""Oversight dashboards over HTTP: figures, drill-down, lists, filters, and who sees what."""

from __future__ import annotations

import pytest

from lms.auth.models import Agency, AgencyType, Role
from lms.extensions import db
from tests.conftest import login, make_user, post


def as_(app, user):
    client = app.test_client()
    login(client, user)
    return client


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:1500]
    return response.get_data(as_text=True)


def test_the_state_dashboard_counts_every_covered_learner(app, world):
    html = page(as_(app, world.overseer), "/oversight")
    # learner, coordinator (law enforcement), fred (juvenile justice), overseer (leadership)
    assert "Learners covered by a requirement</dt><dd>4</dd>" in html
    assert world.agency.name in html and world.other_agency.name in html
    assert "Law enforcement" in html and "Juvenile justice" in html
    assert '<svg role="img"' in html and "<caption" in html


def test_filters_narrow_the_figures_and_unknown_ones_are_refused(app, world):
    client = as_(app, world.overseer)
    html = page(client, "/oversight?region=Northern")
    assert "Learners covered by a requirement</dt><dd>1</dd>" in html
    assert "Filtered:" in html and "region Northern" in html
    assert "No region called" in page(client, "/oversight?region=Atlantis", 400)
    assert "Unknown filter" in page(client, "/oversight?colour=blue", 400)
    assert "No agency type called" in page(client, "/oversight?agency_type=pirates", 400)


def test_drill_down_agency_to_learner(app, world):
    client = as_(app, world.overseer)
    html = page(client, f"/oversight/agencies/{world.agency.id}")
    assert world.learner.name in html and world.fred.name not in html
    assert f"/oversight/learners/{world.learner.id}" in html
    record = page(client, f"/oversight/learners/{world.learner.id}")
    assert world.learner.email in record and "Requirements" in record
    page(client, "/oversight/agencies/999", 404)
    page(client, "/oversight/learners/999", 404)
    assert "page number" in page(client, f"/oversight/agencies/{world.agency.id}?page=0", 400)


def test_a_coordinator_sees_their_own_agency_only(app, world):
    client = as_(app, world.coordinator)
    html = page(client, "/agency")
    assert world.learner.name in html and world.fred.name not in html
    assert "Send reminders to my staff" in html
    page(client, f"/oversight/agencies/{world.agency.id}")
    page(client, f"/oversight/agencies/{world.other_agency.id}", 404)
    page(client, f"/oversight/learners/{world.learner.id}")
    page(client, f"/oversight/learners/{world.fred.id}", 404)
    page(client, "/oversight", 403)
    # The lists are confined to the agency, and naming another agency is refused.
    assert world.fred.name not in page(client, "/oversight/due?list=breach")
    page(client, f"/oversight/due?list=breach&agency={world.other_agency.id}", 400)
    # Nor does a filter value reveal that another agency's region exists.
    assert "No region called" in page(client, "/oversight/due?region=Northern", 400)


def test_learners_see_no_dashboards(app, world):
    client = as_(app, world.fred)
    for url in ("/oversight", "/agency", f"/oversight/agencies/{world.other_agency.id}",
                f"/oversight/learners/{world.fred.id}", "/oversight/due"):  # fmt: skip
        page(client, url, 403)


def test_the_due_lists_show_overdue_learners_longest_first(app, world):
    html = page(as_(app, world.overseer), "/oversight/due?list=soon")
    assert "Due within 90 days" in html
    assert "must be" in page(as_(app, world.overseer), "/oversight/due?list=later", 400)


def test_coordinator_sends_reminders_to_own_staff(app, world):
    client = as_(app, world.coordinator)
    response = post(client, "/agency/reminders")
    assert response.status_code == 302 and response.headers["Location"].endswith("/agency")
    assert "reminders" in page(client, "/agency")


@pytest.mark.parametrize("agencies", [2, 6])
def test_the_dashboard_runs_a_fixed_number_of_queries(app, world, count_queries, agencies):
    for n in range(agencies):
        agency = Agency(name=f"Agency {n}", type=AgencyType.HEALTH_CARE, county=f"C{n}",
                        region=f"R{n % 3}")  # fmt: skip
        db.session.add(agency)
        db.session.flush()
        for m in range(3):
            make_user(f"user{n}x{m}", Role.LEARNER, agency, "health")
    db.session.commit()
    client = as_(app, world.overseer)
    client.get("/oversight")  # warm caches (templates, the user's session)
    with count_queries() as state:
        page(client, "/oversight")
    with count_queries() as drill:
        page(client, f"/oversight/agencies/{world.agency.id}")
    with count_queries() as listed:
        page(client, "/oversight/due?list=breach")
    counts = (state[0], drill[0], listed[0])
    # The same numbers whatever the number of agencies and learners (checked at 2 and 6).
    assert counts == EXPECTED_QUERIES, counts


#: State dashboard, agency drill-down, a due list: the signed-in user, the agencies and names
#: (3, which also give the filter values), the board (pairs, people), then the two lists, or
#: the learner page (count, page, standings), or the list. The drill-down's count includes the
#: test's own reload of ``world.agency`` (expired after each request) to build its URL.
EXPECTED_QUERIES = (8, 10, 5)
