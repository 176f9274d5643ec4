"""Everything about names: the gazetteer, name keys, discovery rules and the corpus entity table.

keys.py       name keys: how two spellings of one name compare (case, accents, transliteration)
gazetteer.py  the archive's own list of entities (`entities.toml`), read and checked
places.py     place names and demonyms (GeoNames), for typing and discovery
discover.py   finding names in a clipping's text, rule by rule
tagging.py    one clipping's mentions: discovery plus the gazetteer
table.py      the corpus-wide entity table: which mentions are one entity, under which name
"""

# The kinds of entity, in the order the facets show them. Defined here, once.
ENTITY_TYPES = ("person", "org", "place")
