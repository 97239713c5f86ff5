"""Property-based test of the consent round: any sequence of answers, changed answers,
withdrawals, new versions and closings leaves the space consistent."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from passerelles.cooperation import services
from passerelles.cooperation.enums import Answer, RoundStatus
from passerelles.cooperation.models import ConsentRound, DecisionLogEntry, Response
from passerelles.cooperation.services import CooperationError
from tests.cooperation.factories import OBJECTIVES, first_version, world

pytestmark = pytest.mark.django_db

ANSWERS = [Answer.CONSENT, Answer.OBJECTION, Answer.ABSTENTION, Answer.WITHDRAWN]


class RoundMachine(RuleBasedStateMachine):
    """A model of the expected current answer per member is kept beside the database."""

    @initialize()
    def setup(self):
        self.w = world()
        self.members = [
            (self.w.lead, self.w.lead_user),
            (self.w.member, self.w.member_user),
            (self.w.partner, self.w.partner_user),
        ]
        self.version = first_version(self.w)
        self.round = services.open_round(self.version, self.w.lead_user)
        self.expected = {}  # member id → answer, for the open round
        self.inserted = 0
        self.adopted = None

    def _reopen(self):
        self.round = services.open_round(self.version, self.w.lead_user)
        self.expected = {}

    @rule(who=st.integers(0, 2), answer=st.sampled_from(ANSWERS), reason=st.booleans())
    def answer(self, who, answer, reason):
        member, user = self.members[who]
        text = "Une raison" if reason else ""
        before = Response.objects.count()
        current = self.expected.get(member.pk)
        should_fail = (
            not self.round.is_open
            or (answer == Answer.OBJECTION and not reason)
            or (answer == Answer.WITHDRAWN and current != Answer.OBJECTION)
        )
        try:
            services.answer(self.round, member, answer, text, user)
        except CooperationError:
            assert should_fail
            assert Response.objects.count() == before  # nothing half-written
            return
        assert not should_fail
        self.expected[member.pk] = answer
        self.inserted += 1

    @rule()
    def new_version(self):
        was_open = self.round.is_open
        self.version = services.new_version(
            self.w.space,
            f"Texte {self.version.number + 1}",
            OBJECTIVES,
            self.w.lead_user,
            member=self.w.lead,
            parent=self.version,
        )
        self.round.refresh_from_db()
        # The round on the old text is cancelled, never left open.
        assert self.round.status == (RoundStatus.CANCELLED if was_open else self.round.status)
        assert not self.round.is_open
        self._reopen()

    @rule()
    def close(self):
        if not self.round.is_open:
            return
        tally = self.round.tally()
        services.close_round(self.round, self.w.lead_user)
        self.round.refresh_from_db()
        blocking = any(a == Answer.OBJECTION for a in self.expected.values())
        if tally.passes:
            assert not blocking
            assert self.round.status == RoundStatus.PASSED
            self.adopted = self.version
        else:
            assert self.round.status == RoundStatus.FAILED

    @rule()
    def reopen_after_failure(self):
        if self.round.status == RoundStatus.FAILED:
            self._reopen()

    @invariant()
    def consistent(self):
        if not hasattr(self, "w"):
            return
        space = self.w.space
        space.refresh_from_db()
        # At most one open round; the space's adopted version is the last passed one.
        assert ConsentRound.objects.filter(space=space, status="open").count() <= 1
        assert space.adopted_version == self.adopted
        if self.adopted is not None:
            assert space.review_date is not None
        # Current answers are the latest rows, as the model expects; none is lost.
        if self.round.pk:
            current = {m: r.answer for m, r in self.round.current_responses().items()}
            assert current == self.expected
        assert Response.objects.filter(round__space=space).count() == self.inserted
        # Every answer is in the log.
        assert DecisionLogEntry.objects.filter(space=space, kind="answer").count() == (
            self.inserted
        )
        # A standing objection always blocks.
        tally = self.round.tally()
        if any(a == Answer.OBJECTION for a in self.expected.values()):
            assert not tally.passes


TestRoundMachine = RoundMachine.TestCase
TestRoundMachine.settings = settings(
    max_examples=12,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
