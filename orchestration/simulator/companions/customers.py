"""The simulated center's customers: one directory every companion draws from, so the CRM,
the surveys, the digital channels and the voice calls name the same people.

A customer has a CRM id, a phone number (the number the PBX sees when they call), an e-mail
address and a segment. The repeat callers' pool of the voice simulation (`known_customers`) are
all customers; a number outside it (a one-off caller) is a customer with probability
`ONE_OFF_CUSTOMER_SHARE`, decided by a hash of the number so every companion agrees without
sharing state. Nothing here draws from a random generator: the directory is a pure function of
the seed and the numbers.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import overload

ONE_OFF_CUSTOMER_SHARE = 0.6
SEGMENTS = ("consumer", "consumer", "consumer", "small_business", "premium")
_FIRST = (
    "lucia", "hugo", "martina", "mateo", "sofia", "leo", "maria", "daniel", "julia", "pablo",
    "paula", "alvaro", "carmen", "adrian", "elena", "diego", "laura", "javier", "ana", "marcos",
)  # fmt: skip
_LAST = (
    "garcia", "rodriguez", "gonzalez", "fernandez", "lopez", "martinez", "sanchez", "perez",
    "gomez", "martin", "jimenez", "ruiz", "hernandez", "diaz", "moreno", "alvarez", "romero",
)  # fmt: skip
_DOMAINS = ("gmail.com", "hotmail.com", "yahoo.es", "outlook.com", "telefonica.net")


@dataclass(frozen=True)
class Customer:
    crm_id: str  # CRM account id, e.g. CUS-3FA81C02D9 (40 bits of the number's hash)
    phone: str  # national number as the PBX's caller id shows it
    email: str
    first_name: str
    last_name: str
    segment: str
    created_on: date  # when the CRM account was created (before the simulated period)


def _digest(seed: int, text: str) -> bytes:
    return hashlib.blake2b(f"{seed}|{text}".encode(), digest_size=16).digest()


def _unit(seed: int, text: str) -> float:
    return int.from_bytes(_digest(seed, text)[:8], "big") / 2**64


def _make(seed: int, start: date, number: str) -> Customer:
    d = _digest(seed, "customer|" + number)
    first, last = _FIRST[d[0] % len(_FIRST)], _LAST[d[1] % len(_LAST)]
    email = f"{first}.{last}{d[6] % 100}@{_DOMAINS[d[7] % len(_DOMAINS)]}"
    return Customer(
        crm_id="CUS-" + d[11:16].hex().upper(),
        phone=number,
        email=email,
        first_name=first.capitalize(),
        last_name=last.capitalize(),
        segment=SEGMENTS[d[8] % len(SEGMENTS)],
        created_on=start - timedelta(days=30 + int.from_bytes(d[9:11], "big") % 3000),
    )


# Every companion looks up the same callers (the CRM and the surveys each call, the digital
# channels and the IVR pick from the known customers): one cache per process serves them
# all. Bounded: a year of a large center sees millions of numbers; repeat callers (the low
# indexes of the pool, Zipf-like) stay in it.
_cached_make = functools.lru_cache(maxsize=1 << 17)(_make)


@functools.lru_cache(maxsize=1 << 17)
def _is_customer(seed: int, number: str) -> bool:
    return _unit(seed, "is-customer|" + number) < ONE_OFF_CUSTOMER_SHARE


class KnownCustomers(Sequence[Customer]):
    """The known customers, in the pool's order, made when asked for (a year's pool of a large
    center is over a million numbers; most companions only pick a few of them a day)."""

    def __init__(self, seed: int, numbers: list[str], start: date) -> None:
        self._seed, self._numbers, self._start = seed, numbers, start

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> Customer: ...

    @overload
    def __getitem__(self, index: slice) -> list[Customer]: ...

    def __getitem__(self, index: int | slice) -> Customer | list[Customer]:
        if isinstance(index, slice):
            return [_make(self._seed, self._start, n) for n in self._numbers[index]]
        return _cached_make(self._seed, self._start, self._numbers[index])

    def __iter__(self) -> Iterator[Customer]:
        seed, start = self._seed, self._start
        return (_make(seed, start, n) for n in self._numbers)


class CustomerDirectory:
    """Customers by phone number; `customers` lists the known ones (the repeat callers)."""

    def __init__(self, seed: int, known_numbers: list[str], start: date) -> None:
        self.seed = seed
        self.start = start
        self._known = _known_set(known_numbers)
        self.customers = KnownCustomers(seed, known_numbers, start)

    def _make(self, number: str) -> Customer:
        return _cached_make(self.seed, self.start, number)

    def by_number(self, number: str) -> Customer | None:
        """The customer calling from `number`, or None (withheld number, or not a customer)."""
        if not number or number == "anonymous":
            return None
        if number in self._known or _is_customer(self.seed, number):
            return self._make(number)
        return None


_known_sets: list[tuple[list[str], frozenset[str]]] = []


def _known_set(numbers: list[str]) -> frozenset[str]:
    """The set of `numbers`, built once per list (every companion gets the same pool list)."""
    for listed, known in _known_sets:
        if listed is numbers:
            return known
    known = frozenset(numbers)
    _known_sets[:] = [(numbers, known)]
    return known
