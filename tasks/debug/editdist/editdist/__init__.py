from editdist.levenshtein import closest, distance, similarity, suggest

__all__ = ["closest", "distance", "similarity", "suggest"]
