"""Training and scoring of the cue classifier (used by the CLI and the benchmarks, never at runtime).

`dataset` gathers labelled clips (studio corpus, ground truth, reviewed sessions, synthetic clips),
`trainer` fits and cross-validates, `synthetic`/`skeleton`/`augment` make and vary skeleton clips,
`studio_sim` projects studio choreography, `labels` matches ground-truth persons to analysis ids.
Runtime packages (pose, cues, analysis, store, export, dashboard, live) never import this package.
"""
