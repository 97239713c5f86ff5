"""API v1: opendata endpoints."""

from ninja import Router

router = Router(tags=["opendata"])
