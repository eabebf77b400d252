// The evidence for facts: where the articles say that someone visited a place. One row for each
// visit, with the first report of it (by article, then by place in the article) and the number of
// articles' reports; --param subject="Ismail Haniyeh" keeps one visitor's.
MATCH (s)-[r:VISITED]->(o)
WHERE s.label = coalesce($subject, s.label)
RETURN s.label AS subject, type(r) AS relation, o.label AS object,
       r.sentence AS sentence, r.confidence AS confidence, r.article AS article,
       r.reports AS reports
ORDER BY subject, object
