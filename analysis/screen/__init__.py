"""Screen analyses of a session's screen recording: screen change, page content, visual page
load, loading animations and poor video quality (HeadSpin's names, defined in each module)."""
