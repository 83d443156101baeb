import pytest
from tinymat import add, determinant, identity, minor, multiply, transpose

A = [[1, 2], [3, 4]]


def test_identity_times_a_matrix_is_the_matrix():
    assert multiply(identity(2), A) == A


def test_multiply():
    assert multiply(A, [[0, 1], [1, 0]]) == [[2, 1], [4, 3]]
    assert multiply([[1, 2, 3]], [[1], [2], [3]]) == [[14]]


def test_multiply_checks_shapes():
    with pytest.raises(ValueError):
        multiply(A, [[1, 2, 3]])


def test_transpose_and_add():
    assert transpose([[1, 2, 3]]) == [[1], [2], [3]]
    assert add(A, transpose(A)) == [[2, 5], [5, 8]]


def test_minor():
    assert minor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], 1, 1) == [[1, 3], [7, 9]]


def test_determinant_of_identity():
    assert determinant(identity(2)) == 1
    assert determinant(identity(3)) == 1


def test_determinant_of_a_triangular_matrix():
    assert determinant([[2, 5], [0, 3]]) == 6
    assert determinant([[2, 0, 0], [1, 3, 0], [4, 5, 6]]) == 36


def test_determinant_of_a_2x2_matrix():
    assert determinant(A) == -2


def test_determinant_of_a_3x3_matrix():
    assert determinant([[2, -3, 1], [2, 0, -1], [1, 4, 5]]) == 49


def test_determinant_needs_a_square_matrix():
    with pytest.raises(ValueError):
        determinant([[1, 2, 3], [4, 5, 6]])
