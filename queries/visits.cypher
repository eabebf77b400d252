// Who visited where, and when: Visit events with their visitor, destination and date.
// Only visits the articles assert ("is to visit", "denied visiting" and a speaker's claim are not).
MATCH (visit:Visit)-[:ACTOR]->(a)
MATCH (visit)-[:DESTINATION]->(p)
WHERE visit.factuality = 'Asserted'
RETURN a.label AS actor, p.label AS place, visit.date AS date
ORDER BY actor, place
