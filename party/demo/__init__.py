"""Demo data: a realistic grassroots committee, and a province-size tree for benchmarks."""
