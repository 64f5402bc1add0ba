"""The reference CMF: the embedded default system under test."""
