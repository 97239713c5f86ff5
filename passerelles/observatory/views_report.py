"""The yearly report's pages (decisions §34): the printable HTML report, the start of its PDF,
the PDF job's progress and the PDF itself."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from passerelles.core import progress
from passerelles.core.models import Job
from passerelles.observatory import perms, report, report_pdf

STAFF_OPTION = "equipe"


def _refused(request, message: str, status: int):
    return render(
        request,
        "observatory/report_error.html",
        {"message": message, "section": "observatory"},
        status=status,
    )


def _year_and_audience(request, year: str):
    """(year, staff, None) or (None, None, the answer to give instead)."""
    wants_staff = request.GET.get(STAFF_OPTION) == "1"
    if wants_staff and not perms.sees_staff_indicators(request.user):
        if not request.user.is_authenticated:
            return None, None, redirect_to_login(request.get_full_path())
        return (
            None,
            None,
            _refused(
                request,
                _(
                    "Les indicateurs réservés à l'équipe du réseau ne sont visibles que par "
                    "elle. Le rapport public reste ouvert à tous."
                ),
                403,
            ),
        )
    try:
        return report.check_year(year), wants_staff, None
    except report.YearError as error:
        return None, None, _refused(request, error.message, error.status)


@require_GET
def yearly_report(request, year: str):
    year, staff, refused = _year_and_audience(request, year)
    if refused:
        return refused
    context = report.build(year, staff=staff)
    context.update(
        section="observatory",
        staff_option=STAFF_OPTION,
        may_see_staff=perms.sees_staff_indicators(request.user),
    )
    return render(request, "observatory/report.html", context)


@require_GET
def yearly_report_pdf(request, year: str):
    """The PDF when one may be served as it is; otherwise its job is started (or joined) and
    the person is sent to follow it."""
    year, staff, refused = _year_and_audience(request, year)
    if refused:
        return refused
    language = translation.get_language()
    name = report_pdf.kept_file(year, language, staff)
    if name:
        return _file(name, year)
    job = report_pdf.start(year, staff=staff, user=request.user)
    return redirect("observatory:report-pdf-job", pk=job.pk)


def _job(request, pk: int):
    job = get_object_or_404(Job, pk=pk, kind=report_pdf.KIND)
    if job.result.get("staff") or job.key.endswith(":" + report_pdf.audience(True)):
        # A report with the staff's indicators: only for those who may see them.
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        if not perms.sees_staff_indicators(request.user):
            return None, _refused(request, _("Ce rapport est réservé à l'équipe du réseau."), 403)
    return progress.live(progress.settle(job)), None


@require_GET
def report_pdf_job(request, pk: int):
    """The PDF's progress: htmx asks for the fragment every second; without JavaScript the
    page refreshes itself; once done, the download button."""
    job, refused = _job(request, pk)
    if refused:
        return refused
    context = {
        "job": job,
        "file_url": report_pdf.download_url(job) if job.is_done else "",
        "section": "observatory",
    }
    if request.htmx:
        return render(request, "observatory/_report_job.html", context)
    return render(request, "observatory/report_job.html", context)


@require_GET
def report_pdf_file(request, pk: int):
    job, refused = _job(request, pk)
    if refused:
        return refused
    name = job.result.get("file", "") if job.is_done else ""
    if not name or not report_pdf.storage().exists(name):
        raise Http404(_("Ce PDF n'est plus disponible : demandez-en un nouveau."))
    return _file(name, job.result.get("year", ""))


def _file(name: str, year) -> FileResponse:
    return FileResponse(
        report_pdf.storage().open(name, "rb"),
        as_attachment=True,
        filename=f"rapport-observatoire-{year}.pdf",
        content_type="application/pdf",
    )
