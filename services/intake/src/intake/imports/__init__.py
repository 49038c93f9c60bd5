"""The re-examination (heronderzoek) import: a spreadsheet in, re-examination events out."""
