"""Finding the passages: dense + BM25 fusion, lexical coverage and the kind of answer a question wants."""
