"""The dock: draw labels, train rounds, look at the results, correct, repeat."""
