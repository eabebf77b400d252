// The evidence for a fact: where the article says that Ismail Haniyeh visited a place.
MATCH (s)-[r:VISITED]->(o)
WHERE s.label = "Ismail Haniyeh"
RETURN s.label AS subject, type(r) AS relation, o.label AS object,
       r.sentence AS sentence, r.confidence AS confidence, r.article AS article
ORDER BY object
