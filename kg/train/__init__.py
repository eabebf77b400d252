"""Training for kg's learned components, apart from evaluation.

``python -m kg.train DATA -o kg/data`` (or ``kg train DATA``) rebuilds every trained part from
the shared data folder ``DATA`` (``../shared/data``): the word-case counts that put title-case
headlines in sentence case (:mod:`kg.train.truecase`), the names NER (:mod:`kg.train.ner`), the
relation classifier (:mod:`kg.train.relations`), the corpus resolver (:mod:`kg.train.resolver`),
the event trigger classifier (:mod:`kg.train.triggers`) and the role classifier
(:mod:`kg.train.roles`). Each trainer fixes its seed, chooses its settings
on held-out parts of the training splits, prints the figures it chose them by, and never reads a
test split.
"""
