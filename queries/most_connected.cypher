// The most connected actors: how many event roles each actor fills.
MATCH (e:Event)-[r]->(a:Actor)
RETURN a.label AS actor, COUNT(e) AS roles
ORDER BY roles DESC, actor
LIMIT 10
