"""Session audio analyses: volume, loudness (ITU-R BS.1770-4 / EBU R 128), activity, loudness
issues and audio match. Pure: file paths and arrays in, dataclasses out."""
