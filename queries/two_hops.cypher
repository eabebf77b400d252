// People and the actors within two hops of them, following direct relations, with the number of
// paths that reach each; --param name="Ismail Haniyeh" keeps one person's.
MATCH (start:Person)-[*1..2]->(b:Actor)
WHERE start.label = coalesce($name, start.label) AND b.uri <> start.uri
RETURN start.label AS start, b.label AS actor, COUNT(b) AS paths
ORDER BY start, actor
