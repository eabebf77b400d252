// Casualty reports: the reported counts of killed and injured, and where they were read.
MATCH (r:CasualtyReport)
RETURN r.label AS report, r.deathCount AS deaths, r.injuryCount AS injured,
       r.atLeast AS atLeast, r.sentence AS sentence
ORDER BY report, sentence
