from tempstats.readings import Summary, extremes, longest_warming, mean, summarize

__all__ = ["Summary", "extremes", "longest_warming", "mean", "summarize"]
