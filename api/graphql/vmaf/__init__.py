"""VMAF area (seed 000): ``runVmaf`` and ``vmafStatus``."""
