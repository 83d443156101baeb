from runlength.codec import MAX_RUN, compression_ratio, decode, encode

__all__ = ["MAX_RUN", "compression_ratio", "decode", "encode"]
