"""The yearly report as a PDF (decisions §34): the report's own HTML page laid out by
WeasyPrint in the task worker, since a layout takes seconds that no request should wait for.

- The request starts a job (core.progress) and the person follows it on the report's job
  page, then downloads the file. One job at a time per year, language and audience (the job's
  key): a second request joins the running one.
- A frozen year never changes (its snapshot is immutable), so its PDF is kept in the "exports"
  storage under a stable name and served again without any computing. A year still live is
  made again, but a file made in the last REUSE_SECONDS is served rather than recomputed, so
  a link shared at a general assembly does not start fifty layouts.
- No network: the stylesheets are read from the static files, any other address is refused,
  and the fonts are the system's (DejaVu on Debian, through fontconfig)."""

import logging
import mimetypes
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from passerelles.core import jobs, progress
from passerelles.core.models import Job, JobStatus
from passerelles.observatory import report

logger = logging.getLogger("passerelles.observatory")

KIND = "observatory.report"
FOLDER = "observatory"
# A live year's PDF younger than this is served again rather than made anew.
REUSE_SECONDS = 600
# Live years' files are swept once a day old (the worker's housekeeping).
LIVE_KEEP = timedelta(days=1)
# The PDF's own font, for every script the report may hold (names of partners abroad):
# DejaVu ships with Debian (fonts-dejavu-core, a dependency of the fontconfig WeasyPrint uses).
PDF_CSS = 'body, .report { font-family: "DejaVu Sans", sans-serif; }'


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (pango) cannot be loaded."""


def weasyprint():
    """The WeasyPrint module, or PdfUnavailable with the reason (pango missing)."""
    try:
        import weasyprint as module
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    return module


def audience(staff: bool) -> str:
    return "equipe" if staff else "public"


def job_key(year: int, language: str, staff: bool) -> str:
    return f"{KIND}:{year}:{language}:{audience(staff)}"


def frozen_name(year: int, language: str, staff: bool) -> str:
    return f"{FOLDER}/rapport-annuel-{year}-{language}-{audience(staff)}.pdf"


def storage():
    return storages["exports"]


def kept_file(year: int, language: str, staff: bool) -> str:
    """The name of a PDF that may be served as it is: the frozen year's, or a live one made
    less than REUSE_SECONDS ago. Empty when a new one must be made."""
    name = frozen_name(year, language, staff)
    if storage().exists(name):
        return name
    recent = (
        Job.objects.filter(
            kind=KIND,
            key=job_key(year, language, staff),
            status=JobStatus.DONE,
            finished_at__gte=timezone.now() - timedelta(seconds=REUSE_SECONDS),
        )
        .values_list("result", flat=True)
        .first()
    )
    name = (recent or {}).get("file", "")
    return name if name and storage().exists(name) else ""


def start(year: int, *, staff: bool, user) -> Job:
    """The job making the PDF of `year`: a new one, or the one already queued or running for
    the same year, language and audience."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    label = (
        _("Rapport annuel %(year)s de l'observatoire, avec les indicateurs de l'équipe (PDF)")
        if staff
        else _("Rapport annuel %(year)s de l'observatoire (PDF)")
    ) % {"year": year}
    try:
        job = progress.create(KIND, label, owner=user, key=job_key(year, language, staff))
    except progress.Busy as busy:
        return busy.job
    progress.attach(job, jobs.enqueue(make_pdf, job.pk, year, staff))
    return job


def download_url(job: Job) -> str:
    return reverse("observatory:report-pdf-file", kwargs={"pk": job.pk})


@task(takes_context=True)
def make_pdf(context, job_id: int, year: int, staff: bool) -> str:
    job = progress.start(job_id, context)
    if job is None:
        return "over"  # a second run of a job that already ended
    with progress.guard(job):
        report_progress = progress.Reporter(job)
        report_progress(0, message=_("Calcul des chiffres de l'année…"), force=True)
        data = report.build(year, staff=staff, for_pdf=True)
        report_progress(0, message=_("Mise en page du PDF…"), force=True)
        try:
            body = render_pdf(data)
        except PdfUnavailable:
            progress.fail(
                job,
                _(
                    "Le PDF ne peut pas être produit sur ce serveur (la bibliothèque de mise en "
                    "page n'y est pas installée). La page du rapport s'imprime aussi en PDF "
                    "depuis le navigateur."
                ),
            )
            return "unavailable"
        if data["frozen"]:
            name = frozen_name(year, job.language, staff)
            if not storage().exists(name):
                name = storage().save(name, ContentFile(body))
        else:
            name = storage().save(
                f"{FOLDER}/live/rapport-annuel-{year}-{job.language}-{audience(staff)}-{job.pk}.pdf",
                ContentFile(body),
            )
        progress.finish(
            job,
            message=_("Le PDF est prêt (%(size)s Ko).") % {"size": max(1, len(body) // 1024)},
            result={"file": name, "year": year, "staff": staff},
            url=download_url(job),
        )
    return "done"


def _request() -> HttpRequest:
    """A request for rendering the page outside a request (the worker): anonymous, so the
    page's header shows nothing personal (it is hidden in print anyway)."""
    request = HttpRequest()
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = AnonymousUser()
    return request


def html(data: dict) -> str:
    return render_to_string("observatory/report.html", data, request=_request())


def fetch_static(url: str):
    """(bytes, MIME type) of a static file the page links to (its stylesheets), read from the
    disk; ValueError for anything else: nothing is fetched from the network."""
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = _static_path(path[len(settings.STATIC_URL) :])
        if found:
            with open(found, "rb") as handle:
                return handle.read(), mimetypes.guess_type(found)[0] or "text/css"
    raise ValueError(f"not fetched (no network in the PDF): {url}")


def url_fetcher():
    """WeasyPrint's fetcher narrowed to inline data and our static files."""
    module = weasyprint()

    class StaticOnly(module.urls.URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            body, mime_type = fetch_static(url)
            return module.urls.URLFetcherResponse(url, body, {"Content-Type": mime_type})

    return StaticOnly()


def _static_path(name: str) -> str | None:
    try:
        path = staticfiles_storage.path(name)
    except (NotImplementedError, ImproperlyConfigured):
        # No STATIC_ROOT (tests) or a remote static storage: the apps' folders below.
        path = None
    if path:
        try:
            with open(path, "rb"):
                return path
        except OSError:
            pass
    # An unhashed name found in the apps (development, tests, before collectstatic).
    return finders.find(name.split("?")[0])


def render_pdf(data: dict) -> bytes:
    module = weasyprint()
    base = (settings.PASSERELLES_SITE_URL or "http://localhost") + "/"
    document = module.HTML(string=html(data), base_url=base, url_fetcher=url_fetcher())
    return document.write_pdf(stylesheets=[module.CSS(string=PDF_CSS)])


def sweep_live_files() -> int:
    """Delete the live years' PDFs older than LIVE_KEEP (a frozen year's file is kept)."""
    folder = f"{FOLDER}/live"
    try:
        _dirs, files = storage().listdir(folder)
    except OSError:  # no folder yet: nothing to sweep
        return 0
    removed = 0
    limit = timezone.now() - LIVE_KEEP
    for file in files:
        name = f"{folder}/{file}"
        try:
            if storage().get_modified_time(name) < limit:
                storage().delete(name)
                removed += 1
        # A storage without modification times (NotImplementedError) keeps its files.
        except (OSError, NotImplementedError):
            continue
    return removed
