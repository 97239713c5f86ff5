from passerelles.cooperation.models.joining import JoinRequest
from passerelles.cooperation.models.ledger import (
    Action,
    Contribution,
    DecisionLogEntry,
    Notification,
    direction_between,
)
from passerelles.cooperation.models.purpose import (
    Amendment,
    Comment,
    ConsentRound,
    PurposeVersion,
    Response,
    RoundTally,
    Statement,
    StatementTally,
    StatementVote,
)
from passerelles.cooperation.models.space import (
    College,
    CollegeTemplate,
    Composition,
    CooperationSpace,
    SpaceMember,
)

__all__ = [
    "Action",
    "Amendment",
    "College",
    "CollegeTemplate",
    "Comment",
    "Composition",
    "ConsentRound",
    "Contribution",
    "CooperationSpace",
    "DecisionLogEntry",
    "JoinRequest",
    "Notification",
    "PurposeVersion",
    "Response",
    "RoundTally",
    "SpaceMember",
    "Statement",
    "StatementTally",
    "StatementVote",
    "direction_between",
]
