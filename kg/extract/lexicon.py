"""Word lists the rules read: countries and demonyms, aliases, titles, and event triggers.

The lists are data (``kg/data/*.tsv``) loaded once per process; nothing here looks at a Doc.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


def _rows(name: str):
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@dataclass(frozen=True)
class Gazetteer:
    countries: frozenset[str]  # casefolded canonical names and aliases
    country_of: dict[str, str]  # casefolded name, alias or demonym -> canonical country
    demonym_of: dict[str, str]  # casefolded demonym (adjective and plural) -> canonical country
    group_name: dict[str, str]  # canonical country -> plural demonym ("Palestinians")
    aliases: dict[str, tuple[str, str]]  # casefolded alias -> (canonical, class)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    country_of: dict[str, str] = {}
    demonym_of: dict[str, str] = {}
    group_name: dict[str, str] = {}
    for row in _rows("countries.tsv"):
        name, demonyms = row[0], row[1]
        aliases = row[2] if len(row) > 2 else ""
        country_of[name.casefold()] = name
        country_of[("the " + name).casefold()] = name
        for alias in filter(None, (a.strip() for a in aliases.split(","))):
            country_of[alias.casefold()] = name
        for i, dem in enumerate(filter(None, (d.strip() for d in demonyms.split(",")))):
            plural = dem if dem.endswith(("ese", "ss", "sh", "ch")) else dem + "s"
            demonym_of[dem.casefold()] = name
            demonym_of[plural.casefold()] = name
            if i == 0:
                group_name[name] = plural
    aliases = {row[0].casefold(): (row[1], row[2]) for row in _rows("aliases.tsv")}
    return Gazetteer(frozenset(country_of), country_of, demonym_of, group_name, aliases)


# Nouns after a demonym that mean the state acts: "Iranian officials" are Iran.
STATE_NOUNS = frozenset("""
official officials government governments authorities authority forces force army military troops
soldiers navy minister ministry president presidency leader leaders leadership diplomat diplomats
delegation embassy ambassador envoy spokesman spokeswoman spokesperson regime state police
occupation air warplanes jets drones counterpart counterparts parliament cabinet administration
negotiators intelligence court courts security prime foreign defense defence war offensive
strikes strike attack attacks bombardment bombing raids navy
""".split())

# Nouns after a demonym that mean the people: "Palestinian civilians" are the Palestinians.
# Nouns that say what kind of thing a name is when they stand before it or in apposition to it:
# "research firm Gartner", "German magazine Der Spiegel", "Dell, the computer maker".
ORGANISATION_DESCRIPTORS = frozenset("""
firm company group maker manufacturer carmaker retailer supermarket chain bank lender insurer
broker airline carrier operator broadcaster network channel newspaper paper daily tabloid magazine
weekly publisher label studio agency charity union club side team party giant conglomerate
house brand corporation consortium watchdog regulator
""".split())
PLACE_DESCRIPTORS = frozenset("city town village capital port province county state island".split())
# Nouns that say the name beside them is a work or a product, a thing and no actor: "the film
# Vera Drake", "their album Untouchables", "soap EastEnders", "UMD, Sony's own disc format".
WORK_DESCRIPTORS = frozenset("""
film movie documentary drama comedy thriller sitcom soap series programme show musical opera
album single song track book novel memoir biography game format
""".split())
# Nouns after a name that make it a program's name: "the Zafi virus", "the Cabir worm" (a maker's
# name before a product noun stays the maker's: "the Sony console", "Nintendo handheld").
MALWARE_NOUNS = frozenset("virus worm trojan".split())

PEOPLE_NOUNS = frozenset("""
people civilians citizens residents children women men prisoners detainees refugees fighters
workers families population nationals protesters demonstrators journalists students victims
""".split())

# Common nouns (lemmas) that can fill an event role when no name does: people ("three soldiers",
# "a police officer", "the gunman") and places ("a bakery", "the checkpoint"). kg keeps such a
# filler as an unnamed entity of its article: "13 people were killed" has 13 people as victims.
PERSON_FILLER_NOUNS = frozenset("""
person people man woman child boy girl baby infant teenager youth adult civilian soldier troop
trooper officer policeman policewoman police guard marine sailor airman serviceman servicemember
personnel crew fighter militant rebel insurgent gunman attacker assailant bomber terrorist
jihadist suspect perpetrator victim casualty passenger pilot driver resident citizen villager
worker employee staff student pupil teacher doctor nurse patient journalist reporter
photographer protester demonstrator activist prisoner detainee inmate hostage refugee migrant
pilgrim worshipper shopper tourist customer bystander pedestrian commuter spectator family
member official general commander colonel major captain lieutenant sergeant
supporter opponent ally voter donor delegate nominee individual hacker agent labourer laborer
guest fan athlete force group mother father son daughter wife husband brother sister uncle
aunt cousin nephew niece grandmother grandfather grandson granddaughter parent relative friend
colleague neighbour neighbor
""".split())
PLACE_FILLER_NOUNS = frozenset("""
bakery market marketplace shop store mall supermarket restaurant cafe café hotel bar nightclub
school university college hospital clinic mosque church synagogue temple shrine embassy consulate
station airport harbour harbor base checkpoint camp prison jail building house apartment office
headquarters compound bridge road highway street square village town neighborhood neighbourhood
district stadium arena theater theatre palace barracks outpost factory refinery park beach
province area region territory zone
""".split())

# Common nouns (lemmas) for a body of people that acts as one ("the army", "the government"): the
# role classifier may read such an unnamed filler as an event's actor, as it may a named
# organisation.
ORG_FILLER_NOUNS = frozenset("""
government administration regime authority ministry army military navy militia brigade
battalion regiment unit opposition organisation organization party council court coalition
alliance agency company firm nation country
""".split())

# Titles before or around a person's name, and the relation they give to their organization.
LEADER_TITLES = frozenset("""
chief leader head president chairman chairwoman chair premier king queen emir commander
director ceo founder secretary-general chancellor mayor governor general-secretary supremo
prime_minister supreme_leader
""".split())
SPOKES_TITLES = frozenset("spokesman spokeswoman spokesperson".split())
MEMBER_TITLES = frozenset("member members lawmaker mp mep msp senator deputy".split())
WORK_TITLES = frozenset("""
minister official envoy ambassador adviser advisor aide officer diplomat negotiator secretary
correspondent reporter editor analyst researcher professor employee executive manager lawyer
spokesman commander general colonel captain lieutenant judge prosecutor economist coach
striker player vice deputy
""".split())
TITLE_WORDS = LEADER_TITLES | SPOKES_TITLES | MEMBER_TITLES | WORK_TITLES | frozenset(
    "foreign defense defence interior finance prime supreme senior top former acting".split())

# Honorifics stripped from a person's canonical name (kept as aliases).
HONORIFICS = frozenset("""
mr mrs ms miss dr prof sir dame lord lady sheikh shaikh ayatollah imam rabbi rev reverend
president premier king queen prince princess emir general gen col colonel lt captain capt
sen senator rep minister chancellor pope cardinal baroness baron earl duke duchess viscount
countess marquess
""".split())

# Words spaCy tags as single-token entities that are never names in news.
JUNK_ENTITY_WORDS = frozenset("""
supreme foreign senior minister ministry officials official leader president chief state
government national international breaking update exclusive also read more related
shadow budget chamber committee inquiry election department ministry council party opposition
home bill
""".split())

# Media whose "X reports" is sourcing, not a claim of an actor in the story.
MEDIA_WORDS = frozenset("""
agency news reuters ap afp tass xinhua bbc cnn aljazeera jazeera times post guardian
press tv television radio newspaper daily journal herald tribune telegraph wire channel
""".split())


@dataclass(frozen=True)
class Trigger:
    event: str  # ontology class local name
    pos: str  # NOUN, VERB, or * for both
    cameo: str | None


_DEFAULT_TRIGGERS = """
visit * Visit 042
arrive VERB Visit 042
travel VERB Visit 042
trip NOUN Visit 042
tour NOUN Visit 042
meet VERB Meeting 040
meeting NOUN Meeting 040
talk NOUN Meeting 040
talks NOUN Meeting 040
summit NOUN Meeting 040
conference NOUN Meeting 040
resolution NOUN Resolution 013
attack * Attack 190
strike * Attack 195
airstrike NOUN Attack 195
air-strike NOUN Attack 195
bomb VERB Attack 195
bombing NOUN Attack 195
bombard VERB Attack 195
bombardment NOUN Attack 195
shell VERB Attack 194
shelling NOUN Attack 194
raid * Attack 190
assault * Attack 190
offensive NOUN Attack 190
invade VERB Attack 190
invasion NOUN Attack 190
shoot VERB Attack 190
fire VERB Attack 190
ambush * Attack 190
war NOUN Attack 190
explode VERB Attack 190
explosion NOUN Attack 190
blast NOUN Attack 190
kill VERB Death 186
die VERB Death 186
death NOUN Death 186
execute VERB Death 186
injure VERB Injury 
wound VERB Injury 
injury NOUN Injury 
arrest * Arrest 173
detain VERB Arrest 173
detention NOUN Arrest 173
imprison VERB Arrest 173
jail VERB Arrest 173
capture VERB Arrest 173
protest * Protest 140
demonstrate VERB Protest 140
demonstration NOUN Protest 140
rally * Protest 140
march NOUN Protest 140
damage * Damage 
destroy VERB Damage 
destruction NOUN Damage 
demolish VERB Damage 
ceasefire NOUN Ceasefire 0871
cease-fire NOUN Ceasefire 0871
truce NOUN Ceasefire 0871
"""


def cameo_of(event: str) -> str | None:
    """The CAMEO code the ontology gives an event class (``news:cameoCode``), if any."""
    from kg.eval.mapping import class_annotations

    return class_annotations().get(event, {}).get("cameoCode")


def read_lexicon(path) -> dict[tuple[str, str], str]:
    """(lemma, pos) -> event class from a lexicon TSV (pos is NOUN, VERB, ADJ or *)."""
    table = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lemma, pos, cls = line.split("\t")[:3]
            table[(lemma, pos)] = cls
    return table


def lexicon_lookup(lexicon: dict[tuple[str, str], str], lemma: str, pos: str) -> str | None:
    pos = "NOUN" if pos == "PROPN" else pos
    return lexicon.get((lemma, pos)) or lexicon.get((lemma, "*"))


DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "data" / "event_triggers.tsv"


@lru_cache(maxsize=1)
def triggers() -> dict[str, tuple[Trigger, ...]]:
    """Trigger lemma -> the event readings it can have: the rules' own list above, then the
    lexicon ``kg/data/event_triggers.tsv`` (built from RAMS, see ``kg.train.triggers``)."""
    table: dict[str, list[Trigger]] = {}

    def add(lemma: str, pos: str, event: str, cameo: str | None) -> None:
        readings = table.setdefault(lemma, [])
        if not any(r.event == event and r.pos in ("*", pos) for r in readings):
            readings.append(Trigger(event, pos, cameo))

    for line in _DEFAULT_TRIGGERS.strip().splitlines():
        parts = line.split()
        add(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else None)
    for row in _rows("event_triggers.tsv"):
        lemma, pos, event = (c.strip() for c in row[:3])
        add(lemma.lower(), pos, event, cameo_of(event))
    return {k: tuple(v) for k, v in table.items()}


# Verbs of saying: their subject is the speaker, their complement the claim.
SPEECH_VERBS = frozenset("""
say tell state announce declare add stress note claim insist warn report confirm deny
argue explain affirm assert emphasize emphasise underline reiterate write
""".split())

# Verbs whose complement does not happen as a fact (demanded, planned, feared).
IRREALIS_HEADS = frozenset("""
demand call urge plan want seek hope vow threaten propose expect intend aim try attempt
would could may might should must will can fear consider ask request push press prepare
due schedule
""".split())
NEGATING_HEADS = frozenset("deny refuse fail reject dismiss decline".split())
HEDGE_WORDS = frozenset("reportedly allegedly apparently possibly perhaps purportedly".split())

# Verbs that give a direct relation from subject to object.
RELATION_VERBS = {
    "visit": "visited",
    "meet": "metWith",
    "reject": "rejected",
    "praise": "praised",
    "hail": "praised",
    "commend": "praised",
    "thank": "thanked",
    "condemn": "condemned",
    "denounce": "condemned",
    "accuse": "accused",
    "blame": "accused",
    "kill": "killed",
    "assassinate": "killed",
    "murder": "killed",
}
