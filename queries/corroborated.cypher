// Events several articles report, each report's figures side by side: the date and the death
// toll each article gave, and the sentence it was read from (none is averaged). Ordered by
// event and sentence: a report may have no date, and engines sort a missing value differently.
MATCH (e:Event)-[:REPORT]->(r:EventReport)
WHERE e.reportCount > 1
RETURN e.label AS event, e.reportCount AS reports, r.date AS date, r.deathCount AS deaths,
       r.sentence AS sentence
ORDER BY event, sentence
