from spans.intervals import covers, gaps, merge, total_length

__all__ = ["covers", "gaps", "merge", "total_length"]
