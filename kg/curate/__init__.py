"""Tools for curators adding a case study: a scaffold, a spreadsheet path and actionable hints."""
