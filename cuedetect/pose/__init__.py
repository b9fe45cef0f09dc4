"""Pose: model provisioning, frame sources, multi-person pose, tracking, filters, floor geometry."""
