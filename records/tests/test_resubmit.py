"""A rejected report is corrected by its author and goes back to the review queue."""

import pytest

from cad.core.errors import Conflict, Invalid
from records import selectors, services
from records.choices import ReportStatus

pytestmark = pytest.mark.django_db


def _report(community, officer_char, officer):
    return services.report_create(community=community, author=officer_char, title="Traffic stop",
                                  body="Stopped a car.", created_by=officer)


def test_rejected_report_is_resubmitted_into_the_queue(community, officer, officer_char, supervisor,
                                                       django_capture_on_commit_callbacks, events):
    report = _report(community, officer_char, officer)
    assert list(selectors.review_queue(community)) == [report] and selectors.pending_report_count(community) == 1
    services.report_review(report=report, approve=False, by=supervisor, note="Add the plate.")
    assert selectors.pending_report_count(community) == 0
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_resubmit(report=report, by=officer, title="Traffic stop ABC123",
                                         body="Stopped ABC123.", type="incident",
                                         involved_vehicles=[{"plate": "abc123", "is_stolen": False}])
    assert again.status == ReportStatus.PENDING and again.title == "Traffic stop ABC123"
    assert again.involved_vehicles == [{"plate": "ABC123", "is_stolen": False}]
    assert again.review_note == "Add the plate."  # the reason stays visible until the next review
    assert [n for n, _ in events] == [("report-resubmitted",)]
    assert list(selectors.review_queue(community)) == [again]
    assert list(selectors.reports_of_user(community, officer)) == [again]


def test_only_rejected_reports_can_be_resubmitted(community, officer, officer_char):
    report = _report(community, officer_char, officer)
    with pytest.raises(Conflict):
        services.report_resubmit(report=report, by=officer, title="x", body="y", type="incident")


def test_resubmit_bad_input_changes_nothing(community, officer, officer_char, supervisor):
    report = _report(community, officer_char, officer)
    services.report_review(report=report, approve=False, by=supervisor, note="No.")
    for kwargs, field in [({"title": ""}, "title"), ({"body": " "}, "body"), ({"type": "fire_report"}, "type")]:
        with pytest.raises(Invalid) as err:
            services.report_resubmit(report=report, by=officer, **{"title": "t", "body": "b", "type": "incident",
                                                                    **kwargs})
        assert field in err.value.fields
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED and report.title == "Traffic stop"


def test_search_reports_by_number_and_text(community, officer, officer_char):
    first = _report(community, officer_char, officer)
    services.report_create(community=community, author=officer_char, title="Bank robbery", body="Fleet bank.")
    qs = selectors.reports(community)
    assert list(selectors.search_reports(qs, f"#{first.number}")) == [first]
    assert [r.title for r in selectors.search_reports(qs, "fleet")] == ["Bank robbery"]
