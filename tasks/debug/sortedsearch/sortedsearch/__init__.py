from sortedsearch.search import count_between, find, insertion_point
from sortedsearch.sortedlist import SortedList

__all__ = ["SortedList", "count_between", "find", "insertion_point"]
