"""The scheduling engine: plain Python and OR-Tools CP-SAT, never Django.

Reads a pushin-scenario/1, writes a pushin-plan/1 (see shared/scenario-format.md).
"""
