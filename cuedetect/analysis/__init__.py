"""One analysis of one video: `analyze(video, options, *, store=None, progress=None) -> Analysis`.

The orchestrator runs the stages in order (probe -> poses -> clean -> floor -> cues -> outputs ->
register); see `orchestrator` and docs/ARCHITECTURE.md.
"""

from cuedetect.analysis.orchestrator import analyze
from cuedetect.analysis.types import STAGES, Analysis, AnalyzeOptions, Progress

__all__ = ["STAGES", "Analysis", "AnalyzeOptions", "Progress", "analyze"]
