// Who is named alongside whom: pairs of named entities the same articles mention, by article
// count; --param name="Ismail Haniyeh" keeps one entity's.
MATCH (article:NewsArticle)-[:MENTIONS]->(h)
MATCH (article)-[:MENTIONS]->(o)
WHERE h.label = coalesce($name, h.label) AND o.uri <> h.uri AND h.unnamed IS NULL AND o.unnamed IS NULL
RETURN h.label AS entity, o.label AS other, COUNT(article) AS articles
ORDER BY articles DESC, entity, other
LIMIT 20
