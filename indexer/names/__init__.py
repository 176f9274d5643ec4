"""Everything about names: the gazetteer, name keys, discovery rules and the corpus entity table.

keys.py         name keys: how two spellings of one name compare (case, accents, transliteration)
gazetteer.py    the archive's own list of entities (`entities.toml`), read and checked
places.py       place names and demonyms (GeoNames), for typing and discovery
build_places.py writes data/places.tsv, the GeoNames place list places.py reads (a build step)
discover.py     finding names in a clipping's text: the rules in order, then the optional model
  words.py        the word lists the rules know (titles, organisation and place heads, particles)
  acronyms.py     acronyms, their long forms, and whether an acronym spells a run of words
  page.py         one text as the rules read it (tokens, positions, its own evidence) and the
                  names found so far
  runs.py         runs of name tokens, joined across particles and organisation connectors
  rules.py        typing a run or a single word: person, organisation, place or no name
  context.py      what the words around a name say it is ("spokesman X", "X said")
  teams.py        teams in a games report: organisations, not places
  second_pass.py  names found met again where a capital proved nothing; surnames alone
tagging.py      one clipping's mentions: discovery plus the gazetteer
table.py        the corpus-wide entity table: which mentions are one entity, under which name
"""

# The kinds of entity, in the order the facets show them. Defined here, once.
ENTITY_TYPES = ("person", "org", "place")
# Raised when the rules find other names or joins in the same text: an index made with other
# rules has its names found again from the stored text at the next run.
RULES_VERSION = 2
