"""Measuring: scores on question files and public data sets, and the speed bench.

Front ends call it; it calls no front end."""
