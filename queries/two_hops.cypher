// Actors within two hops of an actor (here: Ismail Haniyeh), following direct relations,
// with the number of paths that reach them.
MATCH (start:Person)-[*1..2]->(b:Actor)
WHERE start.label = "Ismail Haniyeh" AND b.uri <> start.uri
RETURN b.label AS actor, COUNT(b) AS paths
ORDER BY actor
