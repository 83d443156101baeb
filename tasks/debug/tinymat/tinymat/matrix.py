"""Dense matrices as lists of rows of numbers."""

from __future__ import annotations

Matrix = list[list[float]]


def shape(m: Matrix) -> tuple[int, int]:
    return len(m), len(m[0]) if m else 0


def identity(n: int) -> Matrix:
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]


def transpose(m: Matrix) -> Matrix:
    rows, cols = shape(m)
    return [[m[i][j] for i in range(rows)] for j in range(cols)]


def add(a: Matrix, b: Matrix) -> Matrix:
    if shape(a) != shape(b):
        raise ValueError(f"cannot add {shape(a)} and {shape(b)}")
    rows, cols = shape(a)
    return [[a[i][j] + b[i][j] for j in range(cols)] for i in range(rows)]


def multiply(a: Matrix, b: Matrix) -> Matrix:
    (rows, inner), (inner_b, cols) = shape(a), shape(b)
    if inner != inner_b:
        raise ValueError(f"cannot multiply {shape(a)} by {shape(b)}")
    return [
        [sum(a[i][k] * b[k][j] for k in range(inner)) for j in range(cols)] for i in range(rows)
    ]


def minor(m: Matrix, row: int, col: int) -> Matrix:
    """m without the given row and column."""
    return [r[:col] + r[col + 1 :] for i, r in enumerate(m) if i != row]


def determinant(m: Matrix) -> float:
    """By cofactor expansion along the first row."""
    rows, cols = shape(m)
    if rows != cols or rows == 0:
        raise ValueError(f"no determinant for a {rows}x{cols} matrix")
    if rows == 1:
        return m[0][0]
    if rows == 2:
        return m[0][0] * m[1][1] + m[0][1] * m[1][0]
    total = 0.0
    for col in range(cols):
        sign = -1 if col % 2 else 1
        total += sign * m[0][col] * determinant(minor(m, 0, col))
    return total
