"""The synthetic role-play studio: scripted two-person role-plays rendered with exact ground truth.

Only numpy is needed by the modules that Blender's own Python imports (`skinning`, `blender_scene`);
everything else runs in cuedetect's environment. Blender is a tool of the studio, not of the analysis.
"""
