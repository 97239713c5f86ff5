"""API v1: bridges endpoints."""

from ninja import Router

router = Router(tags=["bridges"])
