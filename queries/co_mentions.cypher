// Who is named alongside Ismail Haniyeh: the entities the same articles mention, by article count.
MATCH (article:NewsArticle)-[:MENTIONS]->(h)
MATCH (article)-[:MENTIONS]->(o)
WHERE h.label = "Ismail Haniyeh" AND o.uri <> h.uri AND o.unnamed IS NULL
RETURN o.label AS other, COUNT(article) AS articles
ORDER BY articles DESC, other
LIMIT 20
