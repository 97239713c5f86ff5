"""A schedule being built: who is busy when, tables left per slot, meetings per person.

Shared by the greedy baseline, the solver's repair pass and the final table numbering, so that
all of them apply the same rules (and locked meetings are taken into account the same way)."""

from passerelles.events.scheduler.model import Instance, ScheduledMeeting


class Board:
    def __init__(self, instance: Instance):
        self.instance = instance
        self.available = {p: instance.available(p) for p in instance.participants}
        self.busy: set[tuple[int, int]] = set()  # (person, slot)
        self.count = dict.fromkeys(instance.participants, 0)
        self.met: set[frozenset[int]] = set()
        self.locked_tables: dict[int, set[int]] = {s: set() for s in instance.slots}
        self.placed: dict[int, list[tuple[int, int]]] = {s: [] for s in instance.slots}
        for m in instance.locked:
            if m.slot not in self.placed:
                continue
            self.locked_tables[m.slot].add(m.table)
            for person in (m.a, m.b):
                self.busy.add((person, m.slot))
                if person in self.count:
                    self.count[person] += 1
            self.met.add(frozenset((m.a, m.b)))
        # Tables left for new meetings: the indexes locked meetings do not already hold.
        self.free = {
            s: len(set(range(1, instance.tables.get(s, 0) + 1)) - self.locked_tables[s])
            for s in instance.slots
        }

    def capacity(self, person: int) -> int:
        """How many more meetings `person` may get."""
        return self.instance.max_meetings - self.count.get(person, 0)

    def open_slots(self, a: int, b: int) -> list[int]:
        """Slots where a and b are both available and free and a table is left."""
        both = self.available.get(a, frozenset()) & self.available.get(b, frozenset())
        return [
            s
            for s in self.instance.slots
            if s in both
            and self.free[s] > 0
            and (a, s) not in self.busy
            and (b, s) not in self.busy
        ]

    def can_meet(self, a: int, b: int) -> bool:
        return (
            frozenset((a, b)) not in self.met
            and frozenset((a, b)) not in self.instance.forbidden
            and self.capacity(a) > 0
            and self.capacity(b) > 0
        )

    def place(self, a: int, b: int, slot: int) -> None:
        self.busy.add((a, slot))
        self.busy.add((b, slot))
        self.count[a] += 1
        self.count[b] += 1
        self.free[slot] -= 1
        self.met.add(frozenset((a, b)))
        self.placed[slot].append((a, b))

    def meetings(self) -> list[ScheduledMeeting]:
        """Locked meetings as they are, then the new ones numbered into the tables left."""
        result = [ScheduledMeeting(m.a, m.b, m.slot, m.table) for m in self.instance.locked]
        for slot in self.instance.slots:
            taken = self.locked_tables[slot]
            tables = (t for t in range(1, self.instance.tables.get(slot, 0) + 1) if t not in taken)
            for (a, b), table in zip(sorted(self.placed[slot]), tables, strict=False):
                result.append(ScheduledMeeting(a, b, slot, table))
        return result
