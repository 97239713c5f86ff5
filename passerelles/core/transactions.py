"""One transaction per request that changes data; none for requests that only read.

Django's ATOMIC_REQUESTS wraps every view in a transaction. On SQLite, where we begin
transactions IMMEDIATE (so that a request never fails half-way upgrading a read lock to a
write lock), that made every request, page views included, take the database's single write
lock for its whole duration. A long write (a staff import's dry run, which writes and rolls
back) then held every visitor's page for five seconds and failed it with "database is locked".

So only unsafe methods (POST, PUT, PATCH, DELETE) run their view inside `transaction.atomic()`,
as ATOMIC_REQUESTS would, and a view marked `@transaction.non_atomic_requests` still runs
without one. GET and HEAD read in autocommit: on SQLite in WAL mode they never wait for a
writer. Code that must lock or write several rows together already opens its own atomic
block (services, `select_for_update`), whatever the method."""

from django.db import DEFAULT_DB_ALIAS, transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AtomicWritesMiddleware:
    """Last in MIDDLEWARE: every other `process_view` (CSRF above all) has run when it calls
    the view itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        if DEFAULT_DB_ALIAS in getattr(view_func, "_non_atomic_requests", set()):
            return None
        # An exception rolls the transaction back, then reaches Django's handler as from any
        # view (404, 403, 500 pages).
        with transaction.atomic():
            return view_func(request, *view_args, **view_kwargs)
