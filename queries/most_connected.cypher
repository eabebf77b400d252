// The most connected named actors: how many event roles each actor fills.
MATCH (e:Event)-[r]->(a:Actor)
WHERE a.unnamed IS NULL
RETURN a.label AS actor, COUNT(e) AS roles
ORDER BY roles DESC, actor
LIMIT 10
