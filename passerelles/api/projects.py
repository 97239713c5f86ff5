"""API v1: projects endpoints."""

from ninja import Router

router = Router(tags=["projects"])
