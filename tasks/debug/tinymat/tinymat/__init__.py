from tinymat.matrix import add, determinant, identity, minor, multiply, shape, transpose

__all__ = ["add", "determinant", "identity", "minor", "multiply", "shape", "transpose"]
