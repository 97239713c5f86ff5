"""API v1: events endpoints."""

from ninja import Router

router = Router(tags=["events"])
