"""Batch analysis of many recordings with the one pipeline, on this machine or on a Ray cluster.

    run_batch(inputs, BatchOptions(out=...), create_engine("local"), store=store) -> BatchReport

`inputs` finds the recordings, `plan` decides what is still to do (content hash + settings digest),
`work` analyses one recording inside a worker, `local` and `ray_engine` are the engines (`engine`: their
one interface) and `runner` is the driver, which alone writes the session store. docs/SCALE.md.
"""
