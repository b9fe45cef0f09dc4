"""Model provisioning: the MediaPipe pose bundles in `models/`, downloaded or built offline, checksummed.

`provision.ensure_model(variant)` is what runtime code calls; `bundle.build_bundle` rebuilds a `.task`
bundle from the TFLite files that ship inside the mediapipe wheel (see models/README.md).
"""
