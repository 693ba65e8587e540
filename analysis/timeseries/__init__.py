"""Time-series analyses: value ranges as intervals, and summary statistics over intervals.

Pure numpy: times in ms and values in, intervals and numbers out. Every interval is half-open,
``[start_ms, end_ms)``, as everywhere in the API.
"""
