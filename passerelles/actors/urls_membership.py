"""Membership requests, under /compte/rattachement/ (the account pages) though the views are
the actors app's: see passerelles.actors.views.membership."""

from django.urls import path

from passerelles.actors.views import membership

app_name = "membership"
urlpatterns = [
    # Membership requests: the requester's form and withdrawal, then the staff queue.
    path(
        "demande/<slug:slug>/",
        membership.request_membership,
        name="request",
    ),
    path(
        "<int:pk>/retirer/",
        membership.withdraw_membership_request,
        name="withdraw",
    ),
    path("", membership.membership_queue, name="queue"),
    path(
        "<int:pk>/accepter/",
        membership.approve_membership_request,
        name="approve",
    ),
    path(
        "<int:pk>/refuser/",
        membership.reject_membership_request,
        name="reject",
    ),
]
