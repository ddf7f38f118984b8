"""Scale out: a batch render's pairs on a Ray cluster (Ray Core actors). The only package that imports Ray."""
