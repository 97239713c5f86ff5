"""API v1: cooperation endpoints."""

from ninja import Router

router = Router(tags=["cooperation"])
