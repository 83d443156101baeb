from ledger.account import Ledger, OverdraftError, Posting

__all__ = ["Ledger", "OverdraftError", "Posting"]
