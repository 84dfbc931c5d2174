"""One node per real event, in time: reports of one type and anchor are split by day, merged
within a day across outlets, long-lasting events kept whole, anchorless ones never merged."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random

from kg.config import Settings
from kg.resolve.event_identity import Sighting, event_identities
from kg.run.build import build

REPORTS = [  # written for this test: two outlets on one night, then two other days
    ("wire-may-8", "2024-05-08", "Wire One", "Russian drones attacked Kyiv overnight, the city's military "
     "administration said on Wednesday. Air defences shot down most of them, officials said."),
    ("daily-may-8", "2024-05-08", "Daily Two", "Russia launched a drone attack on Kyiv on Tuesday night, the mayor "
     "said. Debris fell on two districts of the capital."),
    ("wire-may-29", "2024-05-29", "Wire One", "Russia launched a missile attack on Kyiv early on Wednesday, the "
     "military administration said. Two buildings were damaged."),
    ("daily-july-24", "2024-07-24", "Daily Two", "Russia launched another drone attack on Kyiv on Wednesday, the "
     "mayor said. No one was injured."),
]


def test_attacks_on_one_city_on_three_days_are_three_events_and_one_night_is_one(tmp_path):
    corpus = tmp_path / "kyiv.jsonl"
    corpus.write_text("".join(json.dumps({"id": k, "published": p, "publisher": o, "text": t}) + "\n"
                              for k, p, o, t in REPORTS))
    build([corpus], tmp_path / "out", Settings())
    with (tmp_path / "out" / "tables" / "events.csv").open(newline="") as handle:
        attacks = [row for row in csv.DictReader(handle) if row["type"] == "Attack" and row["target"] == "Kyiv"]
    by_article = {row["article"]: row["event"] for row in attacks}
    assert set(by_article) == {k for k, *_ in REPORTS}
    assert by_article["wire-may-8"] == by_article["daily-may-8"], "two outlets' reports of one night"
    assert len(set(by_article.values())) == 3
    assert by_article["wire-may-29"].endswith("/event/2024-05-29-attack-place-kyiv")


def _s(article, index, base, day, kind="Attack", local=None):
    return Sighting(article, index, base, kind, dt.date.fromisoformat(day) if day else None, local)


def test_identity_is_decided_from_the_set_not_the_order():
    sightings = [_s("a", 0, "event/attack-place-x", "2024-01-01"), _s("b", 0, "event/attack-place-x", "2024-01-02"),
                 _s("c", 0, "event/attack-place-x", "2024-01-05"), _s("d", 0, "event/attack-place-x", None),
                 _s("e", 0, "event/invasion-by-country-y", "2022-02-24", "Invasion"),
                 _s("f", 0, "event/invasion-by-country-y", "2023-06-01", "Invasion"),
                 _s("g", 0, None, "2024-01-01", local="event/attack-with-weapon-drone"),
                 _s("h", 0, None, "2024-01-01", local="event/attack-with-weapon-drone")]
    keys = event_identities(sightings)
    for seed in range(5):
        shuffled = sightings[:]
        random.Random(seed).shuffle(shuffled)
        assert event_identities(shuffled) == keys
    assert keys[("a", 0)] == keys[("b", 0)] == "event/2024-01-01-attack-place-x"  # one day apart: one event
    assert keys[("c", 0)] == "event/2024-01-05-attack-place-x"  # days later: another
    assert keys[("d", 0)] == "event/attack-place-x"  # no date at all
    assert keys[("e", 0)] == keys[("f", 0)] == "event/invasion-by-country-y"  # one invasion, whatever the date
    assert keys[("g", 0)] != keys[("h", 0)], "events without an anchor are never merged across articles"


def _a(article, base, day, kind="Visit", agent=None, anchors=()):
    return Sighting(article, 0, base, kind, dt.date.fromisoformat(day), None, agent, frozenset(anchors))


def test_reports_keyed_by_other_anchors_join_the_one_event_they_can_mean():
    visit = [_a("a", "event/visit-place-kyiv", "2024-02-20", agent="person/x", anchors=["place/kyiv"]),
             _a("b", "event/visit-by-person-x", "2024-02-20", agent="person/x")]
    keys = event_identities(visit)
    assert keys[("a", 0)] == keys[("b", 0)] == "event/2024-02-20-visit-place-kyiv"
    # An agent-only report that two events of its day could mean stays apart: never a guess.
    two = [_a("a", "event/attack-place-kyiv", "2024-03-09", "Attack", "country/r", ["place/kyiv"]),
           _a("b", "event/attack-place-lviv", "2024-03-09", "Attack", "country/r", ["place/lviv"]),
           _a("c", "event/attack-by-country-r", "2024-03-09", "Attack", "country/r")]
    keys = event_identities(two)
    assert len({keys[(k, 0)] for k in "abc"}) == 3
    # A coarser report ("an attack on Ukraine, in Lviv") joins the event of its place, not another city's.
    coarse = two[:2] + [_a("d", "event/attack-country-ukraine", "2024-03-09", "Attack", None,
                           ["country/ukraine", "place/lviv"])]
    keys = event_identities(coarse)
    assert keys[("d", 0)] == keys[("b", 0)] != keys[("a", 0)]
    # A precise report (the Kremlin, in Moscow) never joins a vaguer one (Moscow).
    precise = [_a("a", "event/attack-place-moscow", "2024-03-09", "Attack", None, ["place/moscow"]),
               _a("b", "event/attack-place-kremlin", "2024-03-09", "Attack", None, ["place/kremlin", "place/moscow"])]
    keys = event_identities(precise)
    assert keys[("a", 0)] != keys[("b", 0)]
    # An agent-only report whose two candidates are one event (a country-keyed report joining the
    # other) joins that event.
    joined = [_a("a", "event/attack-place-kyiv", "2024-03-09", "Attack", "country/x", ["place/kyiv"]),
              _a("b", "event/attack-country-ukraine", "2024-03-09", "Attack", "country/x", ["country/ukraine"]),
              _a("c", "event/attack-by-country-x", "2024-03-09", "Attack", "country/x")]
    keys = event_identities(joined)
    assert keys[("b", 0)] == keys[("a", 0)], "the gazetteer puts Kyiv in Ukraine"
    assert keys[("c", 0)] == keys[("a", 0)]
    # Days apart, nothing joins.
    late = [visit[0], _a("b", "event/visit-by-person-x", "2024-05-01", agent="person/x")]
    keys = event_identities(late)
    assert keys[("a", 0)] != keys[("b", 0)]


def test_an_event_told_again_without_its_anchor_in_one_article_is_the_same_event():
    day, other = dt.date(2024, 5, 8), dt.date(2024, 6, 1)
    told = [Sighting("a", 0, "event/attack-place-kyiv", "Attack", day),
            Sighting("a", 1, None, "Attack", day, local_key="event/attack-with-weapon-drone"),
            Sighting("a", 2, None, "Attack", other, local_key="event/attack"),  # another day: its own
            Sighting("b", 0, None, "Attack", day, local_key="event/attack"),  # another article: its own
            Sighting("c", 0, None, "Attack", day, local_key="event/attack"),  # two that day, none told before it
            Sighting("c", 1, "event/attack-place-kyiv", "Attack", day),
            Sighting("c", 2, "event/attack-place-odesa", "Attack", day),
            Sighting("c", 3, None, "Attack", day, local_key="event/attack-with-weapon-missile"),  # the last told
            Sighting("d", 0, "event/fireorexplosion-place-kyiv", "FireOrExplosion", day),
            Sighting("d", 1, "event/fireorexplosion-place-odesa", "FireOrExplosion", day),
            Sighting("d", 2, None, "FireOrExplosion", day, local_key="event/fireorexplosion")]  # one more fire
    keys = event_identities(told)
    assert keys[("a", 1)] == keys[("a", 0)] == "event/2024-05-08-attack-place-kyiv"
    assert keys[("a", 2)] == "event/2024-06-01-attack-in-a"
    assert keys[("b", 0)] == "event/2024-05-08-attack-in-b"
    assert keys[("c", 0)] == "event/2024-05-08-attack-in-c"
    assert keys[("c", 3)] == keys[("c", 2)] == "event/2024-05-08-attack-place-odesa"
    assert keys[("d", 2)] == "event/2024-05-08-fireorexplosion-in-d"


def test_an_event_keyed_by_its_agent_is_the_one_its_article_tells_that_day_with_a_place():
    from kg.nlp.facts import ArticleFacts, EventMention
    from kg.resolve.facts import event_sightings
    from kg.vocab import EventType

    entity_of = {(0, 4): "place/kyiv", (10, 15): "person/joseph-biden", (20, 25): "place/odesa"}
    visit = lambda sentence, **roles: EventMention(EventType.VISIT, 0, 5, "visit", sentence, date="2024-02-20", **roles)
    one = ArticleFacts("a", events=(visit(0, place=(0, 4)), visit(1, agent=(10, 15))))
    two = ArticleFacts("b", events=(visit(0, place=(0, 4)), visit(1, place=(20, 25)), visit(2, agent=(10, 15))))
    keys = {s.index: s.base_key for s in event_sightings(one, entity_of, "2024-02-20")}
    assert keys == {0: "event/visit-place-kyiv", 1: "event/visit-place-kyiv"}
    keys = {s.index: s.base_key for s in event_sightings(two, entity_of, "2024-02-20")}
    assert keys[2] == "event/visit-by-person-joseph-biden"  # two visits that day: which one stays open


def test_an_event_keyed_by_its_agent_joins_the_one_told_that_day_only_if_the_agents_agree():
    from kg.nlp.facts import ArticleFacts, EventMention
    from kg.resolve.facts import _agent_keys_told_again

    russia, kyiv, moscow = (0, 6), (10, 14), (20, 26)
    entity = {russia: "country/russia", kyiv: "government/ukraine", moscow: "place/moscow"}
    events = (EventMention("Denial", 30, 36, "denied", 0, agent=russia, place=moscow, date="2024-05-08"),
              EventMention("Denial", 40, 46, "denied", 1, agent=kyiv, date="2024-05-08"),
              EventMention("Denial", 50, 56, "denied", 2, agent=russia, date="2024-05-08"))
    keys = ["event/denial-place-moscow", "event/denial-by-government-ukraine", "event/denial-by-country-russia"]
    result = _agent_keys_told_again(ArticleFacts("a", events=events), keys, entity.get)
    assert result == ["event/denial-place-moscow", "event/denial-by-government-ukraine", "event/denial-place-moscow"]


def test_a_mention_not_dated_to_the_day_joins_the_one_event_its_window_fits():
    from kg.resolve.event_identity import sighting

    base = "event/mutiny-country-x"
    exact = [sighting("a", 0, base, None, "Mutiny", "2024-06-24", "2024-06-24"),
             sighting("b", 0, base, None, "Mutiny", "2024-09-02", "2024-09-03")]
    month = sighting("c", 0, base, None, "Mutiny", "2024-06", "2024-08-23")  # "in June", told in August
    recent = sighting("d", 0, base, None, "Mutiny", None, "2024-06-26")  # no time, two days later
    stale = sighting("e", 0, base, None, "Mutiny", None, "2024-08-01")  # no time, weeks later: no event fits
    vague = sighting("f", 0, base, None, "Mutiny", None, "2024-09-03", unresolved_time=True)  # "over the past month"
    keys = event_identities([*exact, month, recent, stale, vague])
    assert keys[("a", 0)] == keys[("c", 0)] == keys[("d", 0)] == "event/2024-06-24-mutiny-country-x"
    assert keys[("e", 0)] == "event/2024-08-01-mutiny-country-x"
    assert keys[("f", 0)] == base, "a time kg cannot place is not the day of publication"
    # A window that two events fit could mean either: it stays apart.
    two = [sighting("a", 0, base, None, "Mutiny", "2024-06-03", "2024-06-03"),
           sighting("b", 0, base, None, "Mutiny", "2024-06-24", "2024-06-24"),
           sighting("c", 0, base, None, "Mutiny", "2024-06", "2024-07-01")]
    keys = event_identities(two)
    assert keys[("c", 0)] not in (keys[("a", 0)], keys[("b", 0)])
    # A month does not reach into the next one ("attacks in May" are not the attack of 1 June).
    may = [sighting("a", 0, base, None, "Mutiny", "2024-06-01", "2024-06-01"),
           sighting("b", 0, base, None, "Mutiny", "2024-05", "2024-06-01")]
    keys = event_identities(may)
    assert keys[("a", 0)] != keys[("b", 0)]


def test_a_government_and_its_country_are_one_agent_when_joining_reports():
    annexed = [_a("a", "event/annexation-place-crimea", "2014-03-18", "Annexation", "government/russia", ["place/crimea"]),
               _a("b", "event/annexation-by-country-russia", "2014-03-18", "Annexation", "country/russia")]
    keys = event_identities(annexed)
    assert keys[("a", 0)] == keys[("b", 0)] == "event/annexation-place-crimea"


def test_an_interception_is_anchored_by_where_before_what():
    from kg.nlp.facts import ArticleFacts, EventMention
    from kg.resolve.facts import event_sightings
    from kg.vocab import EventType

    entity_of = {(0, 5): "weapon/missile", (10, 15): "weapon/kalibr", (20, 25): "place/odesa-region"}
    shot = lambda target: EventMention(EventType.INTERCEPTION, 30, 35, "shot", 0, target=target, place=(20, 25),
                                       date="2024-07-18")
    sightings = [*event_sightings(ArticleFacts("a", events=(shot((0, 5)),)), entity_of, "2024-07-18"),
                 *event_sightings(ArticleFacts("b", events=(shot((10, 15)),)), entity_of, "2024-07-18")]
    assert {s.base_key for s in sightings} == {"event/interception-place-odesa-region"}


def test_a_report_keyed_by_a_country_joins_the_one_event_of_its_day_in_that_country():
    # "Russia launched a missile barrage on Ukraine on Thursday" and "missiles hit Kyiv on Thursday"
    # (the gazetteer puts Kyiv in Ukraine); the day after, or in Moscow, it is another event.
    ukraine = _a("a", "event/attack-country-ukraine", "2024-06-06", "Attack", "country/russia", ["country/ukraine"])
    kyiv = _a("b", "event/attack-place-kyiv", "2024-06-06", "Attack", None, ["place/kyiv"])
    keys = event_identities([ukraine, kyiv])
    assert keys[("a", 0)] == keys[("b", 0)] == "event/2024-06-06-attack-place-kyiv"
    later = _a("b", "event/attack-place-kyiv", "2024-06-07", "Attack", None, ["place/kyiv"])
    moscow = _a("b", "event/attack-place-moscow", "2024-06-06", "Attack", None, ["place/moscow"])
    for other in (later, moscow):
        keys = event_identities([ukraine, other])
        assert keys[("a", 0)] != keys[("b", 0)]
    # Two cities of the country that day: which one is meant stays open.
    lviv = _a("c", "event/attack-place-lviv", "2024-06-06", "Attack", None, ["place/lviv"])
    keys = event_identities([ukraine, kyiv, lviv])
    assert len({keys[(k, 0)] for k in "abc"}) == 3
    # An attack by another agent is another event.
    by_ukraine = _a("b", "event/attack-place-kyiv", "2024-06-06", "Attack", "country/belarus", ["place/kyiv"])
    keys = event_identities([ukraine, by_ukraine])
    assert keys[("a", 0)] != keys[("b", 0)]


def test_a_report_keyed_by_a_weapon_joins_the_one_event_of_its_day_with_a_place():
    # "ballistic missiles were downed" and "missiles downed over a district of the capital"
    weapon = _a("a", "event/interception-weapon-ballistic-missile", "2024-06-06", "Interception", "country/ukraine",
                ["weapon/ballistic-missile"])
    district = _a("b", "event/interception-place-darnytsia", "2024-06-06", "Interception", None,
                  ["place/darnytsia", "weapon/iskander"])
    keys = event_identities([weapon, district])
    assert keys[("a", 0)] == keys[("b", 0)] == "event/2024-06-06-interception-place-darnytsia"
    day_after = _a("b", "event/interception-place-darnytsia", "2024-06-07", "Interception", None, ["place/darnytsia"])
    keys = event_identities([weapon, day_after])
    assert keys[("a", 0)] != keys[("b", 0)], "a vague report is refined only by one of its own day"


def test_a_vague_report_prefers_dated_events_and_one_that_shares_its_agent():
    ukraine = _a("a", "event/attack-country-ukraine", "2024-06-06", "Attack", "country/russia", ["country/ukraine"])
    kyiv = _a("b", "event/attack-place-kyiv", "2024-06-06", "Attack", None, ["place/kyiv"])
    undated = Sighting("d", 0, "event/attack-place-odesa", "Attack", None, anchors=frozenset({"place/odesa"}))
    keys = event_identities([ukraine, kyiv, undated])
    assert keys[("a", 0)] == keys[("b", 0)], "an undated report is no sign of a second event that day"
    # Of two events of its day, the one by its own agent.
    lviv = _a("c", "event/attack-place-lviv", "2024-06-06", "Attack", "country/russia", ["place/lviv"])
    keys = event_identities([ukraine, kyiv, lviv])
    assert keys[("a", 0)] == keys[("c", 0)] != keys[("b", 0)]
    assert event_identities([lviv, kyiv, ukraine, undated]) == event_identities([undated, ukraine, lviv, kyiv])


def test_a_background_mention_recalls_the_one_earlier_event_of_its_anchor():
    from kg.resolve.event_identity import sighting

    base = "event/mutiny-country-x"
    june = sighting("a", 0, base, None, "Mutiny", "2024-06-24", "2024-06-24")
    recalled = sighting("b", 0, base, None, "Mutiny", None, "2024-08-23", background=True)  # "months after the mutiny"
    fresh = sighting("c", 0, base, None, "Mutiny", None, "2024-08-23")  # an article that dates nothing
    keys = event_identities([june, recalled, fresh])
    assert keys[("b", 0)] == keys[("a", 0)] == "event/2024-06-24-mutiny-country-x"
    assert keys[("c", 0)] == "event/2024-08-23-mutiny-country-x"
    may = sighting("d", 0, base, None, "Mutiny", "2024-05-02", "2024-05-02")
    keys = event_identities([may, june, recalled])
    assert keys[("b", 0)] not in (keys[("a", 0)], keys[("d", 0)]), "two earlier events: which one stays open"
    by_agent = "event/attack-by-country-x"  # "Russia's attacks" are many: an agent is no anchor to recall
    keys = event_identities([sighting("a", 0, by_agent, None, "Attack", "2024-06-24", "2024-06-24"),
                             sighting("b", 0, by_agent, None, "Attack", None, "2024-08-23", background=True)])
    assert keys[("a", 0)] != keys[("b", 0)]


def test_an_article_that_dates_its_news_marks_its_undated_mentions_as_background():
    from kg.nlp.facts import ArticleFacts, EventMention
    from kg.resolve.facts import event_sightings
    from kg.vocab import EventType

    entity_of = {(0, 6): "country/russia", (10, 18): "person/x"}
    crash = EventMention(EventType.PLANE_CRASH, 20, 27, "crashed", 0, place=(0, 6), date="2024-08-23")
    mutiny = EventMention(EventType.MUTINY, 30, 36, "mutiny", 1, agent=(10, 18), target=(0, 6))
    dated = {s.index: s.background for s in event_sightings(ArticleFacts("a", events=(crash, mutiny)), entity_of,
                                                             "2024-08-23")}
    assert dated == {0: False, 1: True}
    alone = event_sightings(ArticleFacts("b", events=(mutiny,)), entity_of, "2024-08-23")
    assert not alone[0].background, "an article that dates nothing gives no sign of the past"


def test_an_agent_report_dated_only_by_its_news_day_joins_that_agents_event_of_the_days_before():
    # Tuesday's news of another event recalls X's revolt of the weekend (no time words of its own).
    mutiny = _a("a", "event/mutiny-country-r", "2024-06-24", "Mutiny", "person/x", ["country/r"])
    told = Sighting("b", 0, "event/mutiny-by-person-x", "Mutiny", dt.date(2024, 6, 27), agent="person/x",
                    news_day=True)
    keys = event_identities([mutiny, told])
    assert keys[("b", 0)] == keys[("a", 0)] == "event/2024-06-24-mutiny-country-r"
    own_words = Sighting("b", 0, "event/mutiny-by-person-x", "Mutiny", dt.date(2024, 6, 27), agent="person/x")
    keys = event_identities([mutiny, own_words])
    assert keys[("b", 0)] != keys[("a", 0)], "a report dated by its own words is of its own day"
    week_later = Sighting("b", 0, "event/mutiny-by-person-x", "Mutiny", dt.date(2024, 7, 1), agent="person/x",
                          news_day=True)
    keys = event_identities([mutiny, week_later])
    assert keys[("b", 0)] != keys[("a", 0)]



def test_a_country_wide_report_does_not_join_when_a_place_of_unknown_country_could_be_meant():
    barrage = _a("a", "event/attack-country-ukraine", "2024-06-06", "Attack", "country/russia", ["country/ukraine"])
    kyiv = Sighting("b", 0, "event/attack-place-kyiv", "Attack", dt.date(2024, 6, 6), anchors=frozenset({"place/kyiv"}))
    keys = event_identities([barrage, kyiv])
    assert keys[("a", 0)] == keys[("b", 0)]
    # A place the gazetteer does not know may lie in the country: with it, two events could be meant.
    unknown = Sighting("c", 0, "event/attack-place-nowhere-village", "Attack", dt.date(2024, 6, 6),
                       anchors=frozenset({"place/nowhere-village"}))
    keys = event_identities([barrage, kyiv, unknown])
    assert len({keys[(k, 0)] for k in "abc"}) == 3
    # Alone, it is never joined: the gazetteer does not put it in the country.
    keys = event_identities([barrage, unknown])
    assert keys[("a", 0)] != keys[("c", 0)]


def test_a_report_keyed_by_an_area_joins_the_one_event_of_its_day_at_the_place_it_is_named_after():
    # "drones were downed over the Odesa region" and "drones were downed over Odesa", the same night
    region = _a("a", "event/interception-place-odesa-region", "2024-07-02", "Interception", None,
                ["place/odesa-region", "weapon/drone"])
    city = _a("b", "event/interception-place-odesa", "2024-07-02", "Interception", "country/ukraine", ["place/odesa"])
    keys = event_identities([region, city])
    assert keys[("a", 0)] == keys[("b", 0)] == "event/2024-07-02-interception-place-odesa"
    other_city = _a("b", "event/interception-place-mykolaiv", "2024-07-02", "Interception", None, ["place/mykolaiv"])
    next_day = _a("b", "event/interception-place-odesa", "2024-07-03", "Interception", None, ["place/odesa"])
    for other in (other_city, next_day):
        keys = event_identities([region, other])
        assert keys[("a", 0)] != keys[("b", 0)]
    # An area is still a place a country-wide report could mean: with Kyiv's attack that day, two could be.
    barrage = _a("c", "event/attack-country-ukraine", "2024-07-02", "Attack", "country/russia", ["country/ukraine"])
    kyiv = _a("d", "event/attack-place-kyiv", "2024-07-02", "Attack", None, ["place/kyiv"])
    lviv_region = _a("e", "event/attack-place-lviv-region", "2024-07-02", "Attack", None, ["place/lviv-region"])
    keys = event_identities([barrage, kyiv, lviv_region])
    assert len({keys[(k, 0)] for k in "cde"}) == 3


def test_whom_a_person_acts_for_is_the_affiliation_their_roles_give_most_often():
    from kg.resolve.facts import affiliations

    roles = [("person/x", "country/r"), ("person/x", "organization/un"), ("person/x", "country/r"),
             ("person/y", "organization/b"), ("person/y", "organization/a"),  # a tie: the first by key
             ("person/z", "place/kyiv"),  # a mayor's city is no one he acts for
             ("organization/w", "country/r")]
    assert affiliations(roles) == {"person/x": "country/r", "person/y": "organization/a"}
    assert affiliations(reversed(roles)) == affiliations(roles)


def test_a_person_agent_also_counts_as_whom_the_person_acts_for():
    # "X's invasion" (X a head of state of R) and "R's invasion of U"; "Y's mutiny" and "the group's revolt"
    invasion = [_a("a", "event/invasion-country-u", "2022-02-24", "Invasion", "country/r", ["country/u"]),
                _a("b", "event/invasion-by-person-x", "2023-02-20", "Invasion", "person/x")]
    assert len(set(event_identities(invasion).values())) == 2
    keys = event_identities(invasion, {"person/x": "country/r"})
    assert keys[("a", 0)] == keys[("b", 0)] == "event/invasion-country-u"
    revolt = [_a("a", "event/mutiny-country-r", "2024-06-24", "Mutiny", "person/y", ["country/r"]),
              _a("b", "event/mutiny-by-organization-g", "2024-06-24", "Mutiny", "organization/g")]
    assert len(set(event_identities(revolt).values())) == 2
    keys = event_identities(revolt, {"person/y": "organization/g"})
    assert keys[("a", 0)] == keys[("b", 0)] == "event/2024-06-24-mutiny-country-r"
