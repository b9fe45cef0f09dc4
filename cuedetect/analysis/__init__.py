"""One analysis of one video: the orchestrator that runs the stages (see docs/ARCHITECTURE.md)."""
