// Who visited where, and when: Visit events with their visitor, destination and date.
MATCH (visit:Visit)-[:ACTOR]->(a)
MATCH (visit)-[:DESTINATION]->(p)
RETURN a.label AS actor, p.label AS place, visit.date AS date
ORDER BY actor, place
