"""The demo dataset (`passerelles demo`): see builder.build_demo."""

from passerelles.actors.demo.builder import DEMO_PASSWORD, DEMO_USERS, build_demo

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "build_demo"]
