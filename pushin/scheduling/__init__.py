"""The scheduling engine: plain Python and OR-Tools CP-SAT, never Django.

Reads a pushin-scenario/1, writes a pushin-plan/1 (see docs/scenario-format.md).
"""
