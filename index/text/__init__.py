"""Text of an article: cleaning, sentence spans and the windows that become chunks."""
