"""The fast verifier rebuilds each hash in the writer's canonical form, byte for byte."""

import json
import random
from datetime import UTC, datetime, timedelta, timezone

from hgkiemtra.cases import audit
from hgkiemtra.cases.audit_verify import _timestamp_text, canonical_data, fast_hash, utc_text

TEXTS = ["", "Nguyễn Văn An", 'quote " and \\ backslash', "tab\tnew\nline", "emoji 🙂",
         "\x00\x1f control", "</script>", "đ" * 300]
DATA = [{}, {"outcome": "violation_no_discipline"}, {"amount_to_recover": 1_250_000,
        "z": [1, 2.5, None, True], "a": {"nested": "Đảng", "b": False}}, {"é": "ü", "A": 1},
        {"float": 0.1, "big": 10**20, "neg": -3}]


def _case(rng: random.Random) -> dict:
    moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(10**8),
                                                          microseconds=rng.choice([0, 1, 999999]))
    return dict(case_id=rng.randrange(1, 2**31), seq=rng.randrange(1, 500),
                event=rng.choice(TEXTS), from_state=rng.choice([None, *TEXTS]),
                to_state=rng.choice(TEXTS), actor_id=rng.choice([None, 0, 7, 2**31 - 1]),
                actor_label=rng.choice(TEXTS),
                occurred_at=moment.astimezone(timezone(timedelta(hours=7))),
                note=rng.choice(TEXTS), data=rng.choice(DATA), prev_hash=rng.choice(
                    [audit.GENESIS, "ab" * 32]))


def test_fast_hash_equals_the_writers_hash():
    rng = random.Random(5)
    for _ in range(2000):
        fields = _case(rng)
        stored_json = json.dumps(fields["data"])  # as SQLAlchemy writes the JSON column
        fast = fast_hash(fields["case_id"], fields["seq"], fields["event"],
                         fields["from_state"], fields["to_state"], fields["actor_id"],
                         fields["actor_label"], utc_text(_timestamp_text(fields["occurred_at"])),
                         fields["note"], canonical_data(stored_json), fields["prev_hash"])
        assert fast == audit.event_hash(**fields)


def test_empty_json_values_hash_as_an_empty_object_like_the_orm_reader():
    for text in (None, "null", "{}", "[]", "{ }"):
        assert canonical_data(text) == "{}"


def test_postgresqls_timestamp_text_reads_back_in_the_writers_form():
    moment = datetime(2024, 2, 29, 23, 59, 58, tzinfo=timezone(timedelta(hours=7)))
    for micro, text in ((0, "2024-02-29 16:59:58"), (500000, "2024-02-29 16:59:58.5"),
                        (120, "2024-02-29 16:59:58.00012"), (999999, "2024-02-29 16:59:58.999999")):
        assert utc_text(text) == audit._timestamp(moment.replace(microsecond=micro))
