// The evidence for facts: where the articles say that someone visited a place; --param
// subject="Ismail Haniyeh" keeps one visitor's.
MATCH (s)-[r:VISITED]->(o)
WHERE s.label = coalesce($subject, s.label)
RETURN s.label AS subject, type(r) AS relation, o.label AS object,
       r.sentence AS sentence, r.confidence AS confidence, r.article AS article
ORDER BY subject, object
