"""Passerelles: the directory and co-construction platform of a regional multi-actor network."""
