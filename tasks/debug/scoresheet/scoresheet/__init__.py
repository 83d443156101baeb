from scoresheet.stats import mean, median, modes, progress, report

__all__ = ["mean", "median", "modes", "progress", "report"]
