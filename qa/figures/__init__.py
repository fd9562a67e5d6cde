"""Computed figures: the question's operation, its operands from the article's quantities, the arithmetic."""
