"""OCR of a video region with Tesseract: options, crops, change detection, result segments."""
