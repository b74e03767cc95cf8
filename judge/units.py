"""Byte units, defined once for every layer: KIB and MIB (binary, as judge.yaml and problem.yaml limits use)."""

KIB = 1024
MIB = 1024 * KIB
